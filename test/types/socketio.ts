// Type tests for greenthread/socketio's typed events, compiled by `tsc -p test/types` (see
// test/types.test.ts), never run. A line marked @ts-expect-error must be refused: if it compiled,
// tsc would report the unused directive and the test would fail.
import { z } from "zod";
import type { Greenlet } from "../../src/index.js";
import {
  BaseNamespace,
  ack,
  type AckValues,
  type HandlerName,
  type Handlers,
  type SchemaArgs,
  type SessionInfo,
  type Targets,
} from "../../src/socketio/index.js";

/** True when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when T is true; takes the values it speaks of, so they count as used. */
function expectType<T extends true>(..._values: unknown[]): T | void {}

interface Data {
  user: string;
}

interface ClientEvents {
  "user message": (text: string) => void;
  "chat:join": (room: string, ack: (members: number) => void) => void;
  "user.update": (name: string, age: number) => void;
  lookup: (key: string, ack: (found: boolean, value: string, version: number) => void) => void;
  move: (x: unknown, y: unknown) => void;
}

interface ServerEvents {
  point: (t: number, v: number) => void;
  message: (from: string, text: string) => void;
  confirm: (question: string, ack: (ok: boolean) => void) => void;
  choose: (options: string[], ack: (index: number, label: string) => void) => void;
  ping: (ack: () => void) => void;
}

// The type-level normalisation is dispatch's: spaces, underscores, hyphens, colons and dots.
expectType<Equal<HandlerName<"start">, "onStart">>();
expectType<Equal<HandlerName<"user message">, "onUserMessage">>();
expectType<Equal<HandlerName<"user_message">, "onUserMessage">>();
expectType<Equal<HandlerName<"user-message">, "onUserMessage">>();
expectType<Equal<HandlerName<"userMessage">, "onUserMessage">>();
expectType<Equal<HandlerName<"chat:message">, "onChatMessage">>();
expectType<Equal<HandlerName<"user.update">, "onUserUpdate">>();
expectType<Equal<HandlerName<"a  b__c">, "onABC">>();
expectType<Equal<HandlerName<"x y">, "onXY">>();

class Chat extends BaseNamespace<Data, ClientEvents, ServerEvents> implements Handlers<ClientEvents, typeof Chat.schemas> {
  static override schemas = { move: z.tuple([z.number(), z.number()]) };

  onUserMessage(text: string) {
    this.to("lobby").emit("message", this.data.user, text);
  }

  async onChatJoin(room: string) {
    await this.join(room);
    return (await this.sessionsIn(room)).length;
  }

  onUserUpdate(name: string, age: number) {
    this.data.user = `${name} (${age})`;
  }

  onLookup(key: string) {
    return ack(true, key, 3);
  }

  // The schema's output, not ClientEvents' `unknown`s.
  onMove(...[x, y]: SchemaArgs<typeof Chat.schemas, "move">) {
    expectType<Equal<typeof x, number>>(x);
    return x + y;
  }

  async checks(g: Greenlet<unknown>) {
    // emit and the room sends are checked against ServerEvents.
    this.emit("point", 1, 2);
    // @ts-expect-error -- an event ServerEvents does not name
    this.emit("pointt", 1, 2);
    // @ts-expect-error -- a wrong argument type
    this.emit("point", "1", 2);
    // @ts-expect-error -- a missing argument
    this.emit("point", 1);
    this.emitToRoom("lobby", "message", "ada", "hi");
    // @ts-expect-error -- a wrong argument type in a room send
    this.emitToRoom("lobby", "message", "ada", 42);
    this.broadcastEvent("point", 1, 2);
    // @ts-expect-error -- an unknown event in a broadcast
    this.broadcastEventNotMe("nope");
    const lobby: Targets<ServerEvents> = this.to(["lobby", "eu"]).except("muted");
    lobby.to("us").emit("message", "ada", "hi");
    this.except("muted").emit("point", 3, 4);
    // @ts-expect-error -- the builder checks too
    lobby.emit("message", "ada");
    // @ts-expect-error -- rooms are strings
    this.to(42);

    // call: events with an ack only; the result is the ack's first parameter...
    const ok = await this.call("confirm", ["sure?"], { timeout: 1000, signal: g });
    expectType<Equal<typeof ok, boolean>>(ok);
    // ...or with { all: true } all of them.
    const all = await this.call("choose", [["a", "b"]], { all: true });
    expectType<Equal<typeof all, [index: number, label: string]>>(all);
    const none = await this.call("ping");
    expectType<Equal<typeof none, undefined>>(none);
    const noneAll = await this.call("ping", [], { all: true });
    expectType<Equal<typeof noneAll, []>>(noneAll);
    // @ts-expect-error -- "point" declares no ack
    await this.call("point", [1, 2]);
    // @ts-expect-error -- the args must match
    await this.call("confirm", [42]);
    // @ts-expect-error -- and cannot be left out when the event takes some
    await this.call("confirm");
    // @ts-expect-error -- an unknown event
    await this.call("confrim", ["sure?"]);

    // The ACL names client events.
    this.allow("user message", "chat:join");
    // @ts-expect-error -- an event ClientEvents does not name
    this.deny("user mesage");

    const members: SessionInfo<Data>[] = await this.sessionsIn("lobby", { timeout: 500 });
    expectType<Equal<(typeof members)[number]["data"], Data>>(members);

    await this.killAll({ filter: (h) => h.name.startsWith("worker"), except: [g] });
  }
}
void Chat;

// Handlers<C> refuses a class that misses a handler or takes the wrong arguments.
// @ts-expect-error -- onUserMessage is missing
class Missing extends BaseNamespace<Data, { "user message": (text: string) => void }> implements Handlers<{ "user message": (text: string) => void }> {
  onUserMesage(text: string) {
    return text;
  }
}
void Missing;

type Typed = { point: (t: number) => void; "chat:join": (room: string, ack: (members: number) => void) => void };
class WrongArgs extends BaseNamespace<Data, Typed> implements Handlers<Typed> {
  // @ts-expect-error -- the event's argument is a number
  onPoint(t: string) {
    return t;
  }
  // @ts-expect-error -- the ack is a number
  onChatJoin(room: string) {
    return room;
  }
}
void WrongArgs;

type Multi = { lookup: (key: string, ack: (found: boolean, value: string) => void) => void };
class WrongAck extends BaseNamespace<Data, Multi> implements Handlers<Multi> {
  // @ts-expect-error -- two ack arguments need ack(found, value), and of these types
  onLookup(key: string) {
    return ack(key, true);
  }
}
void WrongAck;

// With schemas, a handler takes the schema's output, whatever ClientEvents says.
type Loose = { move: (to: unknown) => void; "user message": (text: string) => void };
class WrongSchema extends BaseNamespace<Data, Loose> implements Handlers<Loose, typeof WrongSchema.schemas> {
  static override schemas = { move: z.tuple([z.object({ x: z.number() })]), user_message: z.tuple([z.string().trim()]) };
  // @ts-expect-error -- the schema's output is { x: number }
  onMove(to: string) {
    return to;
  }
  onUserMessage(...[text]: SchemaArgs<typeof WrongSchema.schemas, "user_message">) {
    return text.length;
  }
}
void WrongSchema;
// @ts-expect-error -- no schema is named "mvoe"
export type NoSuchSchema = SchemaArgs<typeof Chat.schemas, "mvoe">;

// ack() keeps the tuple.
const reply = ack(1, "two", [3]);
expectType<Equal<typeof reply, AckValues<[number, string, number[]]>>>(reply);

// The defaults stay untyped: any event, any arguments, acks of unknown.
class Untyped extends BaseNamespace {
  async checks() {
    this.emit("anything", 1, "two", { three: 3 });
    this.emitToRoom("room", "x");
    this.to("room").emit("y", 1);
    const first = await this.call("ask", [1, 2]);
    expectType<Equal<typeof first, unknown>>(first);
    const every = await this.call("ask", [], { all: true });
    expectType<Equal<typeof every, unknown[]>>(every);
    const bare = await this.call("ask");
    expectType<Equal<typeof bare, unknown>>(bare);
    this.allow("whatever", "else");
    const sessions = await this.sessionsIn(["a", "b"]);
    expectType<Equal<(typeof sessions)[number]["data"], any>>(sessions);
  }
}
void Untyped;
