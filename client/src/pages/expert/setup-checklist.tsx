import { dashboardText } from './dashboard-messages.ts';
import type { ExpertDashboard } from './workspace-api.ts';
import { workspaceText } from './workspace-messages.ts';
import { CHECKLIST_PATHS } from './workspace-sections.ts';

/**
 * The setup checklist (issue 13): photo, rates, hours, identity check, share. Each step leads
 * to the section where it is done; the dashboard shows it until every step is done.
 */
export function SetupChecklist({ checklist }: { checklist: ExpertDashboard['checklist'] }) {
  const percent = Math.round((checklist.doneCount / checklist.total) * 100);
  return (
    <section class="card checklist" aria-labelledby="checklist-title" data-testid="checklist">
      <div class="card-head">
        <h2 id="checklist-title">{dashboardText('checklist')}</h2>
        <span class="checklist-progress-text">{dashboardText('progress', { done: checklist.doneCount, total: checklist.total })}</span>
      </div>
      <div class="checklist-bar" aria-hidden="true">
        <span style={{ width: `${percent}%` }} />
      </div>
      <ol class="checklist-steps">
        {checklist.items.map((item) => (
          <li key={item.key} class={item.done ? 'step step-done' : 'step'} data-step={item.key}>
            <span class="step-mark" aria-hidden="true">
              {item.done ? '✓' : ''}
            </span>
            <span class="step-text">
              <a href={CHECKLIST_PATHS[item.key]}>{workspaceText(`check.${item.key}`)}</a>
              <span class="visually-hidden"> ({item.done ? dashboardText('stepDone') : dashboardText('stepTodo')})</span>
              <span class="step-hint">
                {item.key === 'identity_check' && item.status && !item.done
                  ? dashboardText('kycStatus', { status: dashboardText(`kyc.${item.status}`) })
                  : workspaceText(`checkHint.${item.key}`)}
              </span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
