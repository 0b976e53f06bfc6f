import { Link, Navigate, Outlet, useRouterState } from '@tanstack/react-router';
import { useAuth } from '../../auth';
import { EmptyState } from '../../components/ui/card';
import { consoleEntriesFor } from './entries';

/** The console's frame: a side menu of the pages the signed-in principal may use. */
export function ConsoleLayout() {
  const { me } = useAuth();
  const entries = consoleEntriesFor(me);
  const path = useRouterState({ select: (state) => state.location.pathname });
  if (!me) return null;
  if (entries.length === 0)
    return (
      <EmptyState title="Nothing to administer">
        Your role has no console pages. Ask an administrator if you need one.
      </EmptyState>
    );
  if (path === '/console' || path === '/console/') return <Navigate to={entries[0]!.to} replace />;
  const allowed = entries.some((entry) => path.startsWith(entry.to));
  return (
    <div className="grid gap-6 md:grid-cols-[12rem_1fr]">
      <nav aria-label="Console" className="flex gap-1 overflow-x-auto md:flex-col">
        {entries.map((entry) => (
          <Link
            key={entry.to}
            to={entry.to}
            className="whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            activeProps={{ className: 'bg-slate-100 text-slate-900', 'aria-current': 'page' }}
          >
            {entry.label}
          </Link>
        ))}
      </nav>
      <div className="min-w-0">
        {allowed ? (
          <Outlet />
        ) : (
          <EmptyState title="Not available to your role">
            This page is not part of your console. Choose one from the menu.
          </EmptyState>
        )}
      </div>
    </div>
  );
}
