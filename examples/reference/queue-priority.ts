// Reference, queue.md: PriorityQueue with a compare function, and with the natural order of
// [priority, payload] pairs.
import { PriorityQueue } from "greenthread";

interface Job {
  name: string;
  deadline: number;
}

const byDeadline = new PriorityQueue<Job>(Infinity, (a, b) => a.deadline - b.deadline);
const urgent = new PriorityQueue<[number, string]>();
urgent.putNowait([2, "later"]);
urgent.putNowait([1, "now"]);
console.log(urgent.getNowait()); // [ 1, 'now' ]

for (const job of [
  { name: "report", deadline: 300 },
  { name: "invoice", deadline: 100 },
  { name: "backup", deadline: 300 },
  { name: "email", deadline: 200 },
]) {
  byDeadline.putNowait(job);
}
const order: string[] = [];
while (!byDeadline.empty()) order.push(byDeadline.getNowait().name);
console.log(order.join(" < ")); // equal deadlines keep their order: report before backup
