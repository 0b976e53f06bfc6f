import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, unwrap } from '../../api/client';
import { ApiError, messageOf } from '../../api/problem';
import { useAuth } from '../../auth';
import { Button } from '../ui/button';
import { Badge, Card, CardHeader, ErrorNote } from '../ui/card';
import { TextField } from '../ui/field';
import { QrCode } from './qr-code';

type Step =
  | { kind: 'idle' }
  | { kind: 'password' }
  | { kind: 'scan'; secret: string; otpauthUri: string; password: string }
  | { kind: 'codes'; recoveryCodes: string[] };

function fieldOf(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}

/** Enrolment: password, then the secret (QR and text, shown once), a code to confirm, then the recovery codes (shown once). */
function Enrol({ onEnabled, onDone }: { onEnabled: () => void; onDone: () => void }) {
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const setup = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/mfa/setup', { body: { password } })),
    onSuccess: (data) => {
      setStep({ kind: 'scan', ...data, password });
      setPassword('');
    },
  });
  const enable = useMutation({
    mutationFn: (current: Extract<Step, { kind: 'scan' }>) =>
      unwrap(api.POST('/api/v1/auth/mfa/enable', { body: { password: current.password, code: code.trim() } })),
    onSuccess: (data) => {
      setStep({ kind: 'codes', recoveryCodes: data.recoveryCodes });
      onEnabled();
    },
  });

  if (step.kind === 'idle') {
    return (
      <div className="space-y-3">
        <p className="text-sm text-slate-700">
          Add a second step to signing in: a 6-digit code from an authenticator app.
        </p>
        <Button onClick={() => setStep({ kind: 'password' })}>Set up two-factor authentication</Button>
      </div>
    );
  }
  if (step.kind === 'password') {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      setup.mutate();
    };
    return (
      <form onSubmit={submit} className="space-y-3">
        <TextField
          label="Current password"
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          error={fieldOf(setup.error, '/body/password')}
        />
        {setup.error && !fieldOf(setup.error, '/body/password') && <ErrorNote>{messageOf(setup.error)}</ErrorNote>}
        <div className="flex gap-2">
          <Button type="submit" disabled={setup.isPending || password === ''}>
            {setup.isPending ? 'Checking…' : 'Continue'}
          </Button>
          <Button variant="ghost" onClick={() => setStep({ kind: 'idle' })}>
            Cancel
          </Button>
        </div>
      </form>
    );
  }
  if (step.kind === 'scan') {
    const submit = (event: FormEvent) => {
      event.preventDefault();
      enable.mutate(step);
    };
    return (
      <form onSubmit={submit} className="space-y-4">
        <p className="text-sm text-slate-700">
          Scan this code with your authenticator app, or type the key in by hand. It is shown only now.
        </p>
        <div className="flex flex-wrap items-start gap-5">
          <QrCode text={step.otpauthUri} label="QR code for your authenticator app" />
          <div className="min-w-0 flex-1 space-y-2 text-sm">
            <p className="font-medium text-slate-800">Setup key</p>
            <code
              data-testid="mfa-secret"
              className="block break-all rounded bg-slate-100 px-2 py-1 font-mono text-slate-900"
            >
              {step.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
            <details>
              <summary className="cursor-pointer text-brand-700">Show the otpauth link</summary>
              <code className="mt-1 block break-all text-xs text-slate-700">{step.otpauthUri}</code>
            </details>
          </div>
        </div>
        <TextField
          label="Code from the app"
          required
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6}"
          maxLength={6}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          error={fieldOf(enable.error, '/body/code')}
          hint="6 digits; confirms the app is set up."
        />
        {enable.error && !fieldOf(enable.error, '/body/code') && <ErrorNote>{messageOf(enable.error)}</ErrorNote>}
        <div className="flex gap-2">
          <Button type="submit" disabled={enable.isPending}>
            {enable.isPending ? 'Confirming…' : 'Turn on'}
          </Button>
          <Button variant="ghost" onClick={() => setStep({ kind: 'idle' })}>
            Cancel
          </Button>
        </div>
      </form>
    );
  }
  return (
    <div className="space-y-3">
      <p role="status" className="text-sm font-medium text-emerald-800">
        Two-factor authentication is on.
      </p>
      <p className="text-sm text-slate-700">
        Keep these recovery codes somewhere safe: each signs you in once if you lose your phone. They are shown only
        now.
      </p>
      <ul
        data-testid="recovery-codes"
        className="grid grid-cols-2 gap-2 rounded-md bg-slate-50 p-3 font-mono text-sm text-slate-900"
      >
        {step.recoveryCodes.map((recovery) => (
          <li key={recovery}>{recovery}</li>
        ))}
      </ul>
      <Button onClick={onDone}>I have saved them</Button>
    </div>
  );
}

function Disable({ onDone }: { onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const disable = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/auth/mfa/disable', { body: { password, code: code.trim() } })),
    onSuccess: onDone,
  });
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Turn off two-factor authentication
      </Button>
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    disable.mutate();
  };
  return (
    <form onSubmit={submit} className="space-y-3">
      <TextField
        label="Current password"
        type="password"
        required
        autoComplete="current-password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={fieldOf(disable.error, '/body/password')}
      />
      <TextField
        label="Code from the app, or a recovery code"
        required
        autoComplete="one-time-code"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        error={fieldOf(disable.error, '/body/code')}
      />
      {disable.error && <ErrorNote>{messageOf(disable.error)}</ErrorNote>}
      <div className="flex gap-2">
        <Button type="submit" variant="danger" disabled={disable.isPending}>
          {disable.isPending ? 'Turning off…' : 'Turn off'}
        </Button>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

export function MfaCard() {
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['me'] });
  // Keeps the recovery codes on screen even if the profile is refetched meanwhile.
  const [showingCodes, setShowingCodes] = useState(false);
  const enabled = me?.user.mfaEnabled === true || showingCodes;
  return (
    <Card data-testid="mfa">
      <CardHeader
        title="Two-factor authentication"
        actions={<Badge tone={enabled ? 'green' : 'slate'}>{enabled ? 'On' : 'Off'}</Badge>}
      />
      <div className="px-5 py-4">
        {enabled && !showingCodes ? (
          <Disable onDone={refresh} />
        ) : (
          <Enrol
            onEnabled={() => {
              setShowingCodes(true);
              refresh();
            }}
            onDone={() => setShowingCodes(false)}
          />
        )}
      </div>
    </Card>
  );
}
