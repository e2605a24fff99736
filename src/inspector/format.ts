/**
 * Numbers and times as the inspector shows them: rates, "open since", durations. Pure.
 */
import { formatBytes } from '../util/bytes';

/** "0/s", "0.4/s", "12/s", "1.2k/s". */
export function formatRate(perSecond: number): string {
  if (perSecond <= 0) {
    return '0/s';
  }
  if (perSecond < 10) {
    return `${Number(perSecond.toFixed(1))}/s`;
  }
  if (perSecond < 1000) {
    return `${Math.round(perSecond)}/s`;
  }
  return `${(perSecond / 1000).toFixed(1)}k/s`;
}

/** Messages and bytes per second: "12/s · 3.4 kB/s". */
export function formatTraffic(rate: { msgs: number; bytes: number }): string {
  const bytes =
    rate.bytes > 0 ? ` · ${formatBytes(Math.round(rate.bytes))}/s` : '';
  return `${formatRate(rate.msgs)}${bytes}`;
}

/** "5 s", "3 min", "2 h 5 min", "3 d". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) {
    return `${seconds} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  }
  return `${Math.floor(hours / 24)} d`;
}

/**
 * Since when a comm is open: its local time and for how long ("10:32:05, 3 min"); null is a
 * comm whose opening nobody recorded (one carried over from the stock comm layer).
 */
export function formatOpened(
  openedAt: number | null,
  now: number,
  clock: (ms: number) => string = ms => new Date(ms).toLocaleTimeString()
): string {
  if (openedAt === null) {
    return 'open before ipycomm';
  }
  return `${clock(openedAt)}, ${formatDuration(now - openedAt)}`;
}
