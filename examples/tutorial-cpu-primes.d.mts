/** How many primes are below `limit` (see tutorial-cpu-primes.mjs). */
export default function countPrimes(limit: number): number;
