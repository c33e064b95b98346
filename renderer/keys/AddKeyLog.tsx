/** Toolbar "Add key log…": pick an NSS key log for the open capture (browser mode has no File menu). */
import { useRef } from 'react';
import type { Session } from '../app/session.ts';
import { addDroppedKeylog } from './keylog.ts';

export function AddKeyLog({ session }: { session: Session }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="keylog-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void addDroppedKeylog(session, f);
          e.target.value = '';
        }}
      />
      <button onClick={() => input.current?.click()} title="Add a TLS key log (SSLKEYLOGFILE) to decrypt this capture" data-testid="add-keylog">
        Add key log…
      </button>
    </>
  );
}
