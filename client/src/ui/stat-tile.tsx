import type { ComponentChildren } from 'preact';
import './kit.css';

/**
 * One figure that matters, with its name and what to do about it ("Available: 72,75 € — Withdraw").
 * `words`: the value is a word ("validated"), shown smaller than an amount.
 */
export function StatTile({
  label,
  value,
  words,
  testId,
  children,
}: {
  label: string;
  value: string;
  words?: boolean;
  testId?: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="stat-tile" data-testid={testId}>
      <p class="stat-label">{label}</p>
      <p class={words ? 'stat-value stat-value-words' : 'stat-value'}>{value}</p>
      {children ? <div class="stat-extra">{children}</div> : null}
    </div>
  );
}
