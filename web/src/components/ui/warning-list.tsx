import { Badge } from './card';

/** Warnings as the dataset page and the dashboard both list them: each marked, in the order given. */
export function WarningList({ warnings, label }: { warnings: readonly string[]; label?: string }) {
  return (
    <ul className="space-y-2 px-5 py-4" aria-label={label}>
      {warnings.map((warning) => (
        <li key={warning} className="flex gap-2 text-sm">
          <Badge tone="amber">Warning</Badge>
          <span>{warning}</span>
        </li>
      ))}
    </ul>
  );
}
