import type { EventSourceLike } from '@/lib/stream/useEventStream';

/** An in-memory EventSource: tests open it, push named events and make it fail. */
export class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;

  readonly url: string;
  readyState = FakeEventSource.CONNECTING;
  onopen: EventSourceLike['onopen'] = null;
  onerror: EventSourceLike['onerror'] = null;
  onmessage: EventSourceLike['onmessage'] = null;
  private listeners = new Map<string, Array<(ev: MessageEvent) => void>>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.instances.push(this);
  }

  static reset(): void {
    FakeEventSource.instances = [];
  }

  static last(): FakeEventSource {
    const last = FakeEventSource.instances[FakeEventSource.instances.length - 1];
    if (!last) throw new Error('no EventSource was opened');
    return last;
  }

  addEventListener(type: string, listener: (ev: MessageEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = FakeEventSource.CLOSED;
  }

  open(): void {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.call(this, new Event('open'));
  }

  fail(): void {
    this.readyState = FakeEventSource.CONNECTING;
    this.onerror?.call(this, new Event('error'));
  }

  /** The server's idle-stream `heartbeat` event (no id: Last-Event-ID stays the last real event's). */
  heartbeat(seq = 0): void {
    const event = new MessageEvent('heartbeat', { data: JSON.stringify({ type: 'heartbeat', seq }) });
    (this.listeners.get('heartbeat') ?? []).forEach((l) => l(event));
  }

  /** Deliver a server event as the stream would: `id:` = seq, `event:` = type, `data:` = the thin JSON. */
  emit(type: string, seq: number, payload: Record<string, unknown>, runId: string | null = null): void {
    const data = JSON.stringify({ id: `evt-${seq}`, seq, type, run_id: runId, ts: '2024-01-02T03:04:05Z', payload });
    const event = new MessageEvent(type, { data, lastEventId: String(seq) });
    (this.listeners.get(type) ?? []).forEach((l) => l(event));
  }
}
