import { useState } from 'react';
import { Button } from '../../components/ui/button';

/** A secret the server shows once (a one-time password, an API key): readable, copyable, then gone for good. */
export function OneTimeSecret({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div role="status" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <p className="font-medium">{label}</p>
      <p className="mt-1">It is shown only this once: copy it now and hand it over safely.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code
          data-testid="one-time-secret"
          className="select-all break-all rounded bg-white px-2 py-1 font-mono text-sm ring-1 ring-amber-300"
        >
          {value}
        </code>
        <Button
          variant="secondary"
          size="sm"
          onClick={() =>
            void navigator.clipboard?.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button variant="ghost" size="sm" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
