// hash.mjs (a worker module: plain JavaScript, its exports are the tasks)
import { createHash } from "node:crypto";
export default function sha256(text) {
  return createHash("sha256").update(text).digest("hex");
}
export function words(text) {
  return text.split(/\s+/).length;
}
