/**
 * A session's access control list, gevent-socketio's `allowed_methods` with a deny mode added.
 *
 * Entries are normalised event names (the handler's method name), so the spellings of one event
 * are one entry. The list is in one of two modes:
 * - **allow-list**: only the entries are allowed (`static acl` starts a session here);
 * - **deny-list**: everything but the entries is allowed; an empty deny-list is "unrestricted".
 *
 * `allow(x)` makes x allowed and `deny(x)` makes x denied, in either mode. (gevent-socketio's
 * `add_acl_method` on an unrestricted namespace turned it into an allow-list of that one method;
 * here allowing on an unrestricted session changes nothing, which is what the word says.)
 * @module
 */

export class Acl {
  /** null: unrestricted. */
  private entries: Set<string> | null;
  private allowList: boolean;

  constructor(private readonly initial: ReadonlySet<string> | null) {
    this.entries = initial === null ? null : new Set(initial);
    this.allowList = initial !== null;
  }

  /** True when every event is allowed: the common case, checked first on every event. */
  get unrestricted(): boolean {
    return this.entries === null;
  }

  allows(key: string): boolean {
    if (this.entries === null) return true;
    return this.entries.has(key) === this.allowList;
  }

  allow(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.allowList) this.entries!.add(key);
      else if (this.entries !== null) this.entries.delete(key);
    }
    this.settle();
  }

  deny(keys: readonly string[]): void {
    for (const key of keys) {
      if (this.allowList) this.entries!.delete(key);
      else (this.entries ??= new Set()).add(key);
    }
    this.settle();
  }

  /** Back to the class's `static acl` (unrestricted when it has none). */
  reset(): void {
    this.entries = this.initial === null ? null : new Set(this.initial);
    this.allowList = this.initial !== null;
  }

  /** Everything allowed. */
  lift(): void {
    this.entries = null;
    this.allowList = false;
  }

  private settle(): void {
    // An empty deny-list is the unrestricted state; keep one representation of it.
    if (!this.allowList && this.entries !== null && this.entries.size === 0) this.entries = null;
  }
}
