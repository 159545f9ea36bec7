/**
 * Typed events: event maps in socket.io's own style (`{ point: (t: number, v: number) => void }`)
 * for `BaseNamespace<Data, ClientEvents, ServerEvents>`, and the helper types that check a class's
 * handlers against them. Types only; nothing here exists at run time.
 *
 * A map's value is the signature of the event's listener on the receiving side. A trailing
 * function parameter is the ack: `confirm: (question: string, ack: (ok: boolean) => void) => void`
 * is an event the receiver answers with one boolean. A map with an index signature (the default,
 * {@link DefaultEventsMap}) is untyped: any name, any arguments, acks of `unknown`.
 * @module
 */
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { AckValues } from "./ack.js";

/** What an event map is: event name → listener signature. */
export interface EventsMap {
  [event: string]: any;
}

/** The untyped map: every event name, any arguments. The default of `BaseNamespace`'s maps. */
export interface DefaultEventsMap {
  [event: string]: (...args: any[]) => void;
}

/** The event names of a map. */
export type EventNames<M extends EventsMap> = keyof M & string;

/** Everything `emit(event, ...)` sends for `event`: the listener's parameters, an ack function included. */
export type EventArgs<M extends EventsMap, E extends EventNames<M>> = Parameters<M[E]>;

// The listener's parameters split into the arguments and the ack's parameters. A parameter list
// that is not a fixed tuple (`...args: any[]`, the untyped map) has no ack to find: every
// argument is free and the ack is `unknown[]`. A tuple that does not end with a function declares
// no ack (`never`).
type SplitAck<P extends readonly unknown[]> = number extends P["length"]
  ? { args: P; ack: unknown[] }
  : P extends readonly [...infer A, infer Last]
    ? Last extends (...ackArgs: infer R) => any
      ? { args: A; ack: R }
      : { args: P; ack: never }
    : { args: P; ack: never };

/** The arguments of `event` without its ack: what `call(event, args)` takes, what a handler gets. */
export type CallArgs<M extends EventsMap, E extends EventNames<M>> = SplitAck<Parameters<M[E]>>["args"];

/** The parameters of `event`'s ack (`never` when the map declares no ack for it). */
export type AckArgs<M extends EventsMap, E extends EventNames<M>> = SplitAck<Parameters<M[E]>>["ack"];

/** The events of a map that declare an ack: what `call()` accepts. Every name in an untyped map. */
export type CallEvents<M extends EventsMap> = {
  [E in EventNames<M>]: [AckArgs<M, E>] extends [never] ? never : E;
}[EventNames<M>];

/** The first of an ack's parameters: what `call()` resolves with by default. */
export type FirstAckArg<R extends readonly unknown[]> = R extends readonly [infer First, ...unknown[]]
  ? First
  : R extends readonly []
    ? undefined
    : R[number] | undefined;

type Separator = " " | "_" | "-" | ":" | ".";

// Tail-recursive, one character at a time, so long names stay far from the compiler's depth limit.
type Camel<S extends string, Upper extends boolean, Done extends string> = S extends `${infer C}${infer Rest}`
  ? C extends Separator
    ? Camel<Rest, true, Done>
    : Camel<Rest, false, `${Done}${Upper extends true ? Uppercase<C> : C}`>
  : Done;

/**
 * The handler method's name for an event name, as dispatch computes it: split on spaces,
 * underscores, hyphens, colons and dots, each part's first letter upper-cased, `on` in front.
 * `"user message"` → `"onUserMessage"`, `"chat:message"` → `"onChatMessage"`, `"user.update"` →
 * `"onUserUpdate"`.
 */
export type HandlerName<E extends string> = string extends E ? `on${string}` : `on${Camel<E, true, "">}`;

/** The arguments a schema's output gives a handler (`never` when the output is not an array). */
type SchemaOutputArgs<S> = S extends StandardSchemaV1
  ? StandardSchemaV1.InferOutput<S> extends infer O extends readonly unknown[]
    ? O
    : never
  : never;

/**
 * The arguments the handler of `event` receives when `static schemas` has a schema for it: the
 * schema's output (Standard Schema's `InferOutput`), which the layer spreads into the handler.
 * @example
 * ```ts
 * class Game extends BaseNamespace {
 *   static override schemas = { move: z.tuple([z.number(), z.number()]) };
 *   onMove(...[x, y]: SchemaArgs<typeof Game.schemas, "move">) {
 *     return x + y; // x, y: number
 *   }
 * }
 * ```
 */
export type SchemaArgs<Schemas, E extends keyof NonNullable<Schemas>> = SchemaOutputArgs<NonNullable<Schemas>[E]>;

// The schema whose key normalises to handler `H`, or never.
type SchemaFor<Schemas, H extends string> = {
  [K in keyof Schemas & string]: HandlerName<K> extends H ? Schemas[K] : never;
}[keyof Schemas & string];

type HandlerArgs<C extends EventsMap, E extends EventNames<C>, Schemas> =
  [SchemaFor<NonNullable<Schemas>, HandlerName<E>>] extends [never]
    ? CallArgs<C, E>
    : SchemaOutputArgs<SchemaFor<NonNullable<Schemas>, HandlerName<E>>>;

/** What a handler may return for an ack with parameters `R`: one value, or `ack(...)` for any number. */
export type AckReply<R extends readonly unknown[]> =
  | AckValues<R>
  | (R extends readonly []
      ? void
      : R extends readonly [infer Only]
        ? Only
        : R extends readonly [(infer Only)?]
          ? Only | void
          : number extends R["length"]
            ? unknown
            : never);

type HandlerResult<R> = [R] extends [never] ? unknown : R extends readonly unknown[] ? AckReply<R> | PromiseLike<AckReply<R>> : never;

/**
 * The handler methods a class must have for the client events `C`: `"user message"` →
 * `onUserMessage(...args)`, with the event's arguments (the ack removed) and, when the event
 * declares an ack, a return value that fits it (`ack(a, b)` for several). With `Schemas`
 * (`typeof MyNamespace.schemas`), an event that has a schema takes the schema's output instead.
 * Use it in an `implements` clause; it checks that each handler exists and accepts the arguments.
 * @example
 * ```ts
 * interface ClientEvents {
 *   "user message": (text: string) => void;
 *   "join room": (room: string, ack: (members: number) => void) => void;
 * }
 * class Chat extends BaseNamespace<Data, ClientEvents, ServerEvents> implements Handlers<ClientEvents> {
 *   onUserMessage(text: string) {}
 *   async onJoinRoom(room: string) {
 *     await this.join(room);
 *     return (await this.sessionsIn(room)).length;
 *   }
 * }
 * ```
 */
export type Handlers<C extends EventsMap, Schemas = Record<never, never>> = {
  [E in EventNames<C> as HandlerName<E>]: (...args: Extract<HandlerArgs<C, E, Schemas>, readonly unknown[]>) => HandlerResult<AckArgs<C, E>>;
};

// The `ack` of a received event: the event's declared ack parameters; none when the map declares
// no ack for it. Method syntax, so a typed class stays assignable to the untyped base.
type ReceivedAck<R> = [R] extends [never] ? { readonly ack?: undefined } : AckOf<R>;

/** The `ack` of a received event whose client asked for an acknowledgement. */
export interface AckOf<R> {
  /** Answers the client's acknowledgement callback once with `values`; false if it was answered already. */
  ack?(...values: Extract<R, readonly unknown[]>): boolean;
}

/**
 * What `recv()` resolves with: an array of the event's name (as the client spelt it) and its
 * arguments (the schema's output when the event has one), and, when the client asked for an ack,
 * an `ack(...values)` property that answers it. `ack` sends once, while the session is open, and
 * returns whether it sent; it is not enumerable, so the array logs and spreads as
 * `[event, ...args]`. With a typed `ClientEvents` map, a union over its events: checking `event`
 * narrows the arguments.
 * @example
 * ```ts
 * const received = await this.recv({ signal: g });
 * const [event, ...args] = received;
 * if (event === "ping") received.ack?.("pong", Date.now());
 * ```
 */
export type Received<C extends EventsMap = DefaultEventsMap> = string extends EventNames<C>
  ? [event: string, ...args: unknown[]] & AckOf<unknown[]>
  : { [E in EventNames<C>]: [event: E, ...args: CallArgs<C, E>] & ReceivedAck<AckArgs<C, E>> }[EventNames<C>];
