import router from '@adonisjs/core/services/router'
import type { Request } from '@adonisjs/core/http'
import type { TenantRef } from '#tenancy/types'
import type { PostPage } from '#services/post_queries'
import { blogOrigin } from '#services/urls'
import { excerptOfText } from '#services/excerpts'

/*
 * What the layout puts in a public page's <head> for search engines and link previews:
 * the canonical URL, OpenGraph and Twitter card tags. Every URL is absolute, on the blog's
 * canonical host, so a page cached for one of the blog's hosts is right for the others.
 */
export interface PageMeta {
  title: string
  description: string | null
  url: string
  type: 'website' | 'article'
  /* A post's publication time (ISO 8601), for article:published_time. */
  publishedTime?: string | null
  /* An absolute image URL for og:image (a post's cover), when there is one. */
  image?: string | null
}

/*
 * Meta descriptions are one line of at most 160 characters, what search results and link
 * previews show; every page carries it twice (description, og:description), so a long one
 * only costs bytes on each page served.
 */
function oneLine(text: string): string | null {
  return excerptOfText(text, 159) || null
}

/* The blog's description, else its tagline. */
function blogDescription(blog: TenantRef) {
  return oneLine(blog.description || blog.tagline || '')
}

function canonical(request: Request, blog: TenantRef, path: string) {
  return `${blogOrigin(request, blog)}${path}`
}

export function homeMeta(request: Request, blog: TenantRef, page: number): PageMeta {
  const qs = page > 1 ? { page } : {}
  return {
    title: blog.name,
    description: blogDescription(blog),
    url: canonical(request, blog, router.builder().qs(qs).make('blog.home')),
    type: 'website',
  }
}

export function postMeta(request: Request, blog: TenantRef, post: PostPage): PageMeta {
  return {
    title: post.title,
    description: oneLine(post.excerpt) ?? blogDescription(blog),
    url: canonical(request, blog, router.makeUrl('blog.posts.show', { slug: post.slug })),
    type: 'article',
    publishedTime: post.isPublished && !post.scheduled ? post.publishedAt : null,
  }
}

export function tagMeta(request: Request, blog: TenantRef, tag: { name: string; slug: string }, page: number): PageMeta {
  const qs = page > 1 ? { page } : {}
  return {
    title: `${tag.name} · ${blog.name}`,
    description: blogDescription(blog),
    url: canonical(request, blog, router.builder().params({ slug: tag.slug }).qs(qs).make('blog.tags.show')),
    type: 'website',
  }
}

export function searchMeta(request: Request, blog: TenantRef): PageMeta {
  return {
    title: `Search ${blog.name}`,
    description: blogDescription(blog),
    url: canonical(request, blog, router.makeUrl('blog.search')),
    type: 'website',
  }
}
