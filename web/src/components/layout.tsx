import { Link, Outlet } from '@tanstack/react-router';
import { useAuth } from '../auth';
import { consoleEntriesFor } from '../routes/console/entries';
import { Button } from './ui/button';

const NAV = [
  { to: '/analyses', label: 'Analyses', permission: 'analyses:read' },
  { to: '/datasets', label: 'Datasets', permission: 'analyses:read' },
  { to: '/ask-reviews', label: 'Answer reviews', permission: 'feedback:read' },
] as const;

export function Layout() {
  const { me, signOut, can } = useAuth();
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-6 px-4 sm:px-6">
          <Link to="/analyses" className="flex items-center gap-2 font-semibold text-slate-900">
            <span className="flex h-7 w-7 items-center justify-center rounded-md bg-brand-600 text-sm font-bold text-white">
              P
            </span>
            PCA Agent
          </Link>
          <nav aria-label="Main" className="flex gap-1">
            {NAV.filter((item) => !('permission' in item) || can(item.permission)).map((item) => (
              <Link
                key={item.to}
                to={item.to}
                className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                activeProps={{ className: 'bg-slate-100 text-slate-900', 'aria-current': 'page' }}
              >
                {item.label}
              </Link>
            ))}
            {consoleEntriesFor(me).length > 0 && (
              <Link
                to="/console"
                className="rounded-md px-3 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-100 hover:text-slate-900"
                activeProps={{ className: 'bg-slate-100 text-slate-900', 'aria-current': 'page' }}
              >
                Console
              </Link>
            )}
          </nav>
          <div className="ml-auto flex items-center gap-2">
            <Link to="/profile" className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100">
              {me?.user.displayName ?? me?.user.username}
              <span className="ml-1.5 text-xs text-slate-600">{me?.user.role}</span>
            </Link>
            <Button variant="ghost" size="sm" onClick={() => void signOut()}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
        <Outlet />
      </main>
    </div>
  );
}
