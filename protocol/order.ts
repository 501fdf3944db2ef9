/** The total order of log entries: timestamp, then session, then sequence. */
export interface Order {
  ts: number;
  session: string;
  seq: number;
}

export function compareOrder(a: Order, b: Order): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.session !== b.session) return a.session < b.session ? -1 : 1;
  return a.seq - b.seq;
}

export function orderId(order: Order): string {
  return `${order.ts}_${order.session}_${order.seq}`;
}
