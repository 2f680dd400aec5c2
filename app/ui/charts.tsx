// Charts drawn as plain SVG on the server (d3-scale for the axes, d3-shape for the lines), at fixed sizes, so
// they show without JavaScript. Each is an image with a title and summary; pages put the figures in a table too.
import { scaleBand, scaleLinear, scaleUtc } from "d3-scale";
import { line } from "d3-shape";
import { useId } from "react";

export type Bar = { label: string; value: number };

type BarChartProps = {
  title: string;
  /** One sentence a screen reader hears instead of the picture, e.g. the highest and lowest bars. */
  summary: string;
  bars: ReadonlyArray<Bar>;
  formatValue: (value: number) => string;
  /** The largest value the axis shows; the largest bar when missing (percentages pass 100). */
  max?: number;
  width?: number;
};

/** Horizontal bars, one per label, with the value written at the end of each bar. */
export function BarChart({ title, summary, bars, formatValue, max, width = 640 }: BarChartProps) {
  const titleId = useId();
  const descId = useId();
  const labelWidth = 180;
  const valueWidth = 90;
  const rowHeight = 28;
  const height = Math.max(rowHeight, bars.length * rowHeight) + 8;
  const top = Math.max(max ?? 0, ...bars.map((b) => b.value), 1);
  const x = scaleLinear().domain([0, top]).range([0, width - labelWidth - valueWidth]);
  const y = scaleBand<string>()
    .domain(bars.map((b, i) => `${i}`))
    .range([4, height - 4])
    .padding(0.25);
  return (
    <figure className="chart">
      <svg
        className="chart__svg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{summary}</desc>
        {bars.map((bar, i) => {
          const top = y(`${i}`) ?? 0;
          const barWidth = Math.max(bar.value > 0 ? 2 : 0, x(Math.max(0, bar.value)));
          return (
            <g key={`${bar.label}-${i}`}>
              <text className="chart__label" x={labelWidth - 8} y={top + y.bandwidth() / 2} textAnchor="end" dominantBaseline="middle">
                {truncate(bar.label, 26)}
              </text>
              <rect className="chart__bar" x={labelWidth} y={top} width={barWidth} height={y.bandwidth()} />
              <text className="chart__value" x={labelWidth + barWidth + 6} y={top + y.bandwidth() / 2} dominantBaseline="middle">
                {formatValue(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export type LinePoint = { day: string; value: number };
export type LineSeries = { name: string; points: ReadonlyArray<LinePoint>; style: "solid" | "muted" | "projection" };

type LineChartProps = {
  title: string;
  summary: string;
  series: ReadonlyArray<LineSeries>;
  formatValue: (value: number) => string;
  width?: number;
  height?: number;
};

/** Lines over calendar days (YYYY-MM-DD), with a zero-based value axis and a key. */
export function LineChart({ title, summary, series, formatValue, width = 720, height = 300 }: LineChartProps) {
  const titleId = useId();
  const descId = useId();
  const margin = { top: 12, right: 16, bottom: 32, left: 84 };
  const all = series.flatMap((s) => s.points);
  const days = all.map((p) => Date.parse(`${p.day}T00:00:00Z`));
  const first = days.length ? Math.min(...days) : Date.now();
  const last = days.length ? Math.max(...days, first + 86_400_000) : first + 86_400_000;
  const x = scaleUtc().domain([new Date(first), new Date(last)]).range([margin.left, width - margin.right]);
  const y = scaleLinear()
    .domain([0, Math.max(1, ...all.map((p) => p.value))])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const path = line<LinePoint>()
    .x((p) => x(new Date(`${p.day}T00:00:00Z`)))
    .y((p) => y(p.value));
  const xTicks = x.ticks(6);
  const yTicks = y.ticks(5);
  const monthDay = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
  return (
    <figure className="chart">
      <svg
        className="chart__svg"
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio="xMinYMin meet"
      >
        <title id={titleId}>{title}</title>
        <desc id={descId}>{summary}</desc>
        {yTicks.map((tick) => (
          <g key={`y${tick}`}>
            <line className="chart__grid" x1={margin.left} x2={width - margin.right} y1={y(tick)} y2={y(tick)} />
            <text className="chart__tick" x={margin.left - 6} y={y(tick)} textAnchor="end" dominantBaseline="middle">
              {formatValue(tick)}
            </text>
          </g>
        ))}
        {xTicks.map((tick) => (
          <text key={`x${tick.toISOString()}`} className="chart__tick" x={x(tick)} y={height - margin.bottom + 18} textAnchor="middle">
            {monthDay.format(tick)}
          </text>
        ))}
        <line className="chart__axis" x1={margin.left} x2={width - margin.right} y1={y(0)} y2={y(0)} />
        {series.map((s) => (
          <path key={s.name} className={`chart__line chart__line--${s.style}`} d={path([...s.points]) ?? ""} />
        ))}
      </svg>
      <figcaption className="chart__key">
        {series.map((s) => (
          <span key={s.name} className="chart__key-item">
            <svg width="28" height="10" aria-hidden="true" focusable="false">
              <line className={`chart__line chart__line--${s.style}`} x1="0" x2="28" y1="5" y2="5" />
            </svg>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
