import './kit.css';

/**
 * EXP-3 / REF-1: how an HTML snippet looks once pasted into someone else's page. A sandboxed
 * frame without script permission shows it exactly as a third-party page would, and our page
 * never turns it into its own markup.
 */
export function SnippetPreview({ html, title, testId }: { html: string; title: string; testId?: string }) {
  return (
    <iframe
      title={title}
      class="snippet-preview"
      sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
      srcDoc={`<!doctype html><meta charset="utf-8"><body style="margin:8px;background:#f6f8fa;font-family:system-ui,sans-serif">${html}</body>`}
      data-testid={testId}
    />
  );
}
