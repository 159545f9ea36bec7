/**
 * Parent and children: the record behind `g.spawn()` and `g.parent`.
 *
 * A greenlet that never spawns a child through its handle, and was not spawned through one, has
 * no record and pays nothing but one flag test when it ends. A parent's record watches each live
 * child through the waitable protocol (the record is the watcher, so a child costs one `Set` entry
 * and one watcher slot). When the parent's function settles with live children, the outcome is
 * held here, the children are killed, and the parent ends with the held outcome once the last
 * child is dead: its `join()`, its links and its `dead` wait for their cleanup.
 * @module
 */
import { addWatcher, type Waitable, type Watcher } from "./core/waitable.js";
import { GreenletExit } from "./errors.js";
import type { Greenlet } from "./greenlet.js";

/** The reason children are killed with when their parent ends. */
export const PARENT_ENDED = "parent ended";

/** A greenlet's parent link and live children, created on first need. */
export class Family implements Watcher {
  /** The greenlet whose handle spawned this one, if any. */
  parent: Greenlet<any> | undefined = undefined;
  /** The live children; null until the first child. */
  children: Set<Greenlet<any>> | null = null;
  /** The parent's outcome, once its function settled and while children are still alive. */
  held: [ok: boolean, result: unknown] | null = null;
  private killing = false;

  constructor(private readonly owner: Greenlet<any>) {}

  /** True once the owner's function has settled: a child spawned now is killed before it starts. */
  get ending(): boolean {
    return this.held !== null || this.killing || this.owner.dead;
  }

  /** Makes `child` a live child; its end comes back through `notify`. */
  adopt(child: Greenlet<any>): void {
    (this.children ??= new Set()).add(child);
    child[addWatcher](this);
  }

  hasChildren(): boolean {
    return this.children !== null && this.children.size > 0;
  }

  /**
   * The owner's function settled with live children: kills them. True when some are still
   * alive: the outcome is kept, and the owner ends from `notify` once the last one is dead.
   * False when all died at once (none had started): the owner ends now, in the call that asked.
   */
  hold(ok: boolean, result: unknown): boolean {
    const children = this.children!;
    // A child not started yet dies inside _kill and leaves at once; `killing` keeps `notify`
    // from ending the owner inside this loop, which would end it twice.
    this.killing = true;
    for (const child of Array.from(children)) child._kill(new GreenletExit(PARENT_ENDED));
    this.killing = false;
    if (children.size === 0) return false;
    this.held = [ok, result];
    return true;
  }

  /** Watcher: a child ended. */
  notify(child: Waitable): void {
    const children = this.children!;
    children.delete(child as Greenlet<any>);
    if (children.size === 0 && this.held !== null) {
      const [ok, result] = this.held;
      this.held = null;
      this.owner._endHeld(ok, result);
    }
  }
}
