// tutorial-cpu-primes.mjs: CPU-bound work for tutorial chapter 6, in plain JavaScript so that a
// worker thread or a child process can load it as it is. Run as a script, it prints its answer.
import { fileURLToPath } from "node:url";

/** How many primes are below `limit`, by trial division: slow on purpose, and all on the CPU. */
export default function countPrimes(limit) {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(countPrimes(Number(process.argv[2])));
