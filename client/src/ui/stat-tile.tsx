import type { ComponentChildren } from 'preact';
import './kit.css';

/** One figure that matters, with its name and what to do about it ("Available: 72,75 € — Withdraw"). */
export function StatTile({ label, value, testId, children }: { label: string; value: string; testId?: string; children?: ComponentChildren }) {
  return (
    <div class="stat-tile" data-testid={testId}>
      <p class="stat-label">{label}</p>
      <p class="stat-value">{value}</p>
      {children ? <div class="stat-extra">{children}</div> : null}
    </div>
  );
}
