export { VirtualClock, installVirtualClock, type VirtualClockOptions } from "./virtual-clock.js";
export { getClock, setClock, realClock, type Clock, type TimerHandle } from "../core/clock.js";
