/** MEDIA-3: the call's text chat over the SFU's data channel, never stored; a drawer over the stage. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage } from '../../media/call.ts';
import { formatTime } from '../../i18n/index.ts';
import { roomText } from './room-messages.ts';

interface ChatPanelProps {
  chat: readonly ChatMessage[];
  onSend: (text: string) => boolean;
  onClose: () => void;
}

export function ChatPanel({ chat, onSend, onClose }: ChatPanelProps) {
  const [draft, setDraft] = useState('');
  const log = useRef<HTMLOListElement>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  // The newest message stays in view.
  useEffect(() => {
    log.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [chat.length]);
  return (
    <aside class="chat-panel" aria-labelledby="chat-title" data-testid="chat-panel">
      <div class="chat-head">
        <h2 id="chat-title">{roomText('chat')}</h2>
        <button type="button" class="chat-close" aria-label={roomText('closeChat')} onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <p class="hint">{roomText('chatNotStored')}</p>
      {chat.length === 0 ? <p class="hint">{roomText('chatEmpty')}</p> : null}
      <ol class="chat-log" aria-live="polite" data-testid="chat-log" ref={log}>
        {chat.map((message) => (
          <li key={message.atMs + message.text} class={message.from === 'me' ? 'chat-mine' : 'chat-theirs'}>
            <span class="chat-who">
              {message.from === 'me' ? roomText('you') : roomText('other')} · {formatTime(new Date(message.atMs).toISOString())}
            </span>
            <span class="chat-text">{message.text}</span>
          </li>
        ))}
      </ol>
      <form
        class="chat-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (onSend(draft)) setDraft('');
        }}
      >
        <input
          ref={input}
          type="text"
          maxLength={2000}
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
          aria-label={roomText('chatLabel')}
          placeholder={roomText('chatLabel')}
          data-testid="chat-input"
        />
        <button type="submit" class="button button-primary" data-testid="chat-send">
          {roomText('send')}
        </button>
      </form>
    </aside>
  );
}
