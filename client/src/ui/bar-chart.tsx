import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import './kit.css';

export interface Bar {
  key: string;
  /** Under the bar, where room is short ("nov. 26"). */
  axisLabel: string;
  /** The bar's tooltip and its full name ("novembre 2026 — 18,50 €"). */
  title: string;
  value: number;
  /** Above the bar; empty for a zero bar. */
  valueLabel: string;
}

/** Geometry in SVG user units; the SVG scales to its container. */
const WIDTH = 640;
const HEIGHT = 220;
const AXIS_HEIGHT = 26;
const TOP_MARGIN = 20;

/**
 * Bars drawn in SVG, with no chart library (a dozen rectangles do not need one). The SVG is
 * one image named by its caption; the caller puts the same figures in a table right after it
 * (`children`), so nothing depends on seeing the bars.
 */
export function BarChart({ caption, bars, testId, children }: { caption: string; bars: Bar[]; testId?: string; children?: ComponentChildren }) {
  const captionId = useId();
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const plotHeight = HEIGHT - AXIS_HEIGHT - TOP_MARGIN;
  const slot = WIDTH / Math.max(1, bars.length);
  const barWidth = slot * 0.62;
  const baseline = HEIGHT - AXIS_HEIGHT;
  return (
    <figure class="chart-figure">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={captionId} class="bar-chart" data-testid={testId} preserveAspectRatio="xMidYMid meet">
        <line x1={0} y1={baseline} x2={WIDTH} y2={baseline} class="chart-axis" />
        {bars.map((bar, index) => {
          const value = Math.max(0, bar.value);
          const height = Math.round((value / max) * plotHeight);
          const centre = index * slot + slot / 2;
          return (
            <g key={bar.key}>
              <rect x={centre - barWidth / 2} y={baseline - height} width={barWidth} height={value > 0 ? Math.max(height, 1) : 0} rx={3} class="chart-bar">
                <title>{bar.title}</title>
              </rect>
              <text x={centre} y={HEIGHT - 8} text-anchor="middle" class="chart-label">
                {bar.axisLabel}
              </text>
              {value > 0 ? (
                <text x={centre} y={baseline - height - 5} text-anchor="middle" class="chart-value">
                  {bar.valueLabel}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption id={captionId}>{caption}</figcaption>
      {children}
    </figure>
  );
}
