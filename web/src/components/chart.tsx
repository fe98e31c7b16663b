import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** The chart kinds the explorer draws. */
export type ChartKind = "line" | "bars";

/** What {@link Chart} draws: x values and one series of y values, in uPlot's column form. */
export interface ChartProps {
  /** Says what the chart shows, for screen readers and as its caption. */
  label: string;
  /** x values (unix seconds when `time`), ascending. */
  x: readonly number[];
  /** y values, one per x; null for a gap. */
  y: readonly (number | null)[];
  /** The y series' name in the legend. */
  seriesName: string;
  kind: ChartKind;
  /** Whether x is time (unix seconds); otherwise plain numbers. */
  time: boolean;
  height?: number;
}

const ACCENT = "#2f5fd0";

/**
 * A uPlot chart on a canvas, sized to its container and redrawn when the container resizes.
 * The element carries the number of points drawn (`data-points`) for tests and tools.
 */
export function Chart({ label, x, y, seriesName, kind, time, height = 220 }: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const bars = kind === "bars";
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: { x: { time }, y: bars ? { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } : {} },
      legend: { show: !bars },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { stroke: "#555", grid: { stroke: "#eee" } },
        { stroke: "#555", grid: { stroke: "#eee" }, size: 56 },
      ],
      series: [
        {},
        {
          label: seriesName,
          stroke: ACCENT,
          width: bars ? 0 : 2,
          fill: bars ? "rgba(47, 95, 208, 0.75)" : "rgba(47, 95, 208, 0.08)",
          points: { show: !bars, size: 6, fill: ACCENT },
          ...(bars ? { paths: uPlot.paths.bars?.({ size: [0.9, 80], align: 0 }) } : {}),
        },
      ],
    };
    const plot = new uPlot(options, [x as number[], y as (number | null)[]], element);
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(element.clientWidth, 200), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [x, y, seriesName, kind, time, height]);
  return (
    <figure class="chart">
      <div ref={container} class="chart-canvas" role="img" aria-label={label} data-points={x.length} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
