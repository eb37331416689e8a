// Charts: small uPlot line charts (sparklines on the overview, live series per topic and per group) fed by the
// broker's server-push stream. uPlot draws on one canvas and redraws only on new data, so a chart open for hours
// stays cheap; the series keep a bounded window of points.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Points kept per series: ten minutes at one point a second. */
export const CHART_WINDOW = 600;

export interface Series {
  readonly label: string;
  /** Seconds since the epoch, ascending. */
  readonly times: readonly number[];
  readonly values: readonly (number | null)[];
}

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

function toData(series: readonly Series[]): uPlot.AlignedData {
  const times = series[0]?.times ?? [];
  return [times.slice(), ...series.map((s) => s.values.slice())] as uPlot.AlignedData;
}

interface LineChartProps {
  readonly series: readonly Series[];
  readonly title: string;
  readonly height?: number;
  readonly width?: number;
  /** Sparkline: no axes, no legend. */
  readonly compact?: boolean;
  readonly format?: (value: number) => string;
}

/** One uPlot chart; all series share the first one's times (the stream sends them aligned). */
export function LineChart({ series, title, height = 160, width = 480, compact = false, format }: LineChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const labels = series.map((s) => s.label).join('\0');

  useEffect(() => {
    if (holder.current === null) return;
    const valueFormat = format ?? ((v: number) => String(v));
    const options: uPlot.Options = {
      width,
      height,
      legend: { show: !compact },
      cursor: { show: !compact },
      scales: { x: { time: true } },
      axes: compact ? [{ show: false }, { show: false }] : [{}, { values: (_u, ticks) => ticks.map((t) => valueFormat(t)), size: 70 }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLOURS[i % COLOURS.length],
          width: 1.5,
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : valueFormat(v)),
        })),
      ],
    };
    plot.current = new uPlot(options, toData(series), holder.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its series change (names or count); new points go through setData below.
  }, [labels, compact, width, height]);

  useEffect(() => {
    plot.current?.setData(toData(series));
  }, [series]);

  return <div class="chart" role="img" aria-label={title} ref={holder} />;
}

/** A series grown by one point, the oldest dropped past CHART_WINDOW. */
export function appendPoint(series: Series, time: number, value: number | null): Series {
  const times = [...series.times, time];
  const values = [...series.values, value];
  const excess = Math.max(0, times.length - CHART_WINDOW);
  return { label: series.label, times: times.slice(excess), values: values.slice(excess) };
}

/**
 * Subscribes to a server-sent-events stream while the component is mounted; each message's data is parsed as
 * JSON and handed to `onMessage`. The browser's EventSource reconnects by itself after a broker restart.
 */
export function useEventStream<T>(url: string | null, onMessage: (message: T) => void): void {
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    if (url === null || typeof EventSource === 'undefined') return;
    const source = new EventSource(url);
    source.onmessage = (event: MessageEvent<string>) => {
      try {
        handler.current(JSON.parse(event.data) as T);
      } catch {
        // A malformed message is skipped; the next one redraws.
      }
    };
    return () => source.close();
  }, [url]);
}
