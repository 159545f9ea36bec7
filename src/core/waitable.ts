/**
 * The waitable protocol: what `wait`, `iwait` and `joinall` need from an object to wait for it.
 * Greenlet, Event, AsyncResult and Semaphore implement it; so can any user class.
 *
 * A source keeps a list of watchers. When it becomes ready it calls `notify(source)` on each, once,
 * synchronously, and drops them: a watcher is one-shot and re-adds itself if it wants more.
 * @module
 */

/** Adds a watcher to a waitable. */
export const addWatcher: unique symbol = Symbol.for("greenthread.addWatcher");
/** Removes a watcher from a waitable; removing one that is not there does nothing. */
export const removeWatcher: unique symbol = Symbol.for("greenthread.removeWatcher");

/** Told once when a watched source becomes ready. */
export interface Watcher {
  /** Called once, synchronously, when the watched source becomes ready; must not throw. */
  notify(source: Waitable): void;
}

/** Something `wait()`/`iwait()` can wait for. */
export interface Waitable {
  /** True when a wait on this object would finish at once. */
  ready(): boolean;
  /** Registers `watcher`; a source that is ready already notifies it at once. */
  [addWatcher](watcher: Watcher): void;
  /** Removes `watcher` if it is still registered; removing one that is not there does nothing. */
  [removeWatcher](watcher: Watcher): void;
}

export function isWaitable(value: unknown): value is Waitable {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as Waitable)[addWatcher] === "function" &&
    typeof (value as Waitable)[removeWatcher] === "function" &&
    typeof (value as Waitable).ready === "function"
  );
}

/**
 * The watcher list a source keeps. Most sources have zero or one watcher, so the list stays
 * `null` until it is needed and removal is a short linear scan.
 */
export class WatcherList {
  private items: Watcher[] | null = null;

  add(watcher: Watcher): void {
    if (this.items === null) this.items = [watcher];
    else this.items.push(watcher);
  }

  remove(watcher: Watcher): void {
    const items = this.items;
    if (items === null) return;
    const i = items.indexOf(watcher);
    if (i >= 0) items.splice(i, 1);
  }

  /** Notifies every watcher once, in the order they were added, and forgets them all. */
  notifyAll(source: Waitable): void {
    const items = this.items;
    if (items === null) return;
    this.items = null;
    for (let i = 0; i < items.length; i++) items[i]!.notify(source);
  }
}
