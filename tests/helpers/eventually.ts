/*
 * A change made elsewhere (a command, another process) reaches the test server through
 * the tenancy notifications: asks again until `ready` holds, for at most 3 s.
 */
export async function eventually<T>(ask: () => Promise<T>, ready: (answer: T) => boolean) {
  let answer = await ask()
  for (let attempt = 0; !ready(answer) && attempt < 60; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    answer = await ask()
  }
  return answer
}
