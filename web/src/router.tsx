import { createRootRoute, createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { Layout } from './components/layout';
import { EmptyState } from './components/ui/card';

const rootRoute = createRootRoute({
  component: Layout,
  notFoundComponent: () => (
    <EmptyState title="Page not found">This address does not lead anywhere. Use the menu above.</EmptyState>
  ),
});

const index = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => redirect({ to: '/analyses', throw: true }),
});
const datasets = createRoute({
  getParentRoute: () => rootRoute,
  path: '/datasets',
  component: lazyRouteComponent(() => import('./routes/datasets'), 'DatasetsPage'),
});
const dataset = createRoute({
  getParentRoute: () => rootRoute,
  path: '/datasets/$id',
  component: lazyRouteComponent(() => import('./routes/dataset'), 'DatasetPage'),
});
const analyses = createRoute({
  getParentRoute: () => rootRoute,
  path: '/analyses',
  component: lazyRouteComponent(() => import('./routes/analyses'), 'AnalysesPage'),
});
const newAnalysis = createRoute({
  getParentRoute: () => rootRoute,
  path: '/analyses/new',
  component: lazyRouteComponent(() => import('./routes/new-analysis'), 'NewAnalysisPage'),
});
const analysis = createRoute({
  getParentRoute: () => rootRoute,
  path: '/analyses/$id',
  component: lazyRouteComponent(() => import('./routes/dashboard'), 'DashboardPage'),
});
const profile = createRoute({
  getParentRoute: () => rootRoute,
  path: '/profile',
  component: lazyRouteComponent(() => import('./routes/profile'), 'ProfilePage'),
});
const console_ = createRoute({
  getParentRoute: () => rootRoute,
  path: '/console',
  component: lazyRouteComponent(() => import('./routes/console/console-layout'), 'ConsoleLayout'),
});
const consoleUsers = createRoute({
  getParentRoute: () => console_,
  path: '/users',
  component: lazyRouteComponent(() => import('./routes/console/users'), 'UsersPage'),
});
const consoleApiKeys = createRoute({
  getParentRoute: () => console_,
  path: '/api-keys',
  component: lazyRouteComponent(() => import('./routes/console/api-keys'), 'ApiKeysPage'),
});
const consoleSettings = createRoute({
  getParentRoute: () => console_,
  path: '/settings',
  component: lazyRouteComponent(() => import('./routes/console/settings'), 'SettingsPage'),
});
const consoleBudgets = createRoute({
  getParentRoute: () => console_,
  path: '/budgets',
  component: lazyRouteComponent(() => import('./routes/console/budgets'), 'BudgetsPage'),
});
const consoleOrgs = createRoute({
  getParentRoute: () => console_,
  path: '/organisations',
  component: lazyRouteComponent(() => import('./routes/console/organisations'), 'OrganisationsPage'),
});

const consoleAudit = createRoute({
  getParentRoute: () => console_,
  path: '/audit',
  component: lazyRouteComponent(() => import('./routes/console/audit-explorer'), 'AuditExplorerPage'),
});
const consoleAuditReport = createRoute({
  getParentRoute: () => console_,
  path: '/audit/report',
  component: lazyRouteComponent(() => import('./routes/console/audit-report'), 'AuditReportPage'),
});
const consoleMonitoring = createRoute({
  getParentRoute: () => console_,
  path: '/monitoring',
  component: lazyRouteComponent(() => import('./routes/console/monitoring-overview'), 'MonitoringPage'),
});
const consoleAlerts = createRoute({
  getParentRoute: () => console_,
  path: '/alerts',
  component: lazyRouteComponent(() => import('./routes/console/alerts-list'), 'AlertsPage'),
});
const consoleReports = createRoute({
  getParentRoute: () => console_,
  path: '/reports',
  component: lazyRouteComponent(() => import('./routes/console/report-schedules'), 'ReportSchedulesPage'),
});
const consoleFeedback = createRoute({
  getParentRoute: () => console_,
  path: '/feedback',
  component: lazyRouteComponent(() => import('./routes/console/feedback-analytics'), 'FeedbackAnalyticsPage'),
});

const askReviews = createRoute({
  getParentRoute: () => rootRoute,
  path: '/ask-reviews',
  component: lazyRouteComponent(() => import('./routes/ask-reviews'), 'AskReviewsPage'),
});

const consolePages = [
  consoleUsers,
  consoleApiKeys,
  consoleSettings,
  consoleBudgets,
  consoleOrgs,
  consoleAudit,
  consoleAuditReport,
  consoleMonitoring,
  consoleAlerts,
  consoleFeedback,
  consoleReports,
];
const routeTree = rootRoute.addChildren([
  index,
  datasets,
  dataset,
  analyses,
  newAnalysis,
  analysis,
  profile,
  askReviews,
  console_.addChildren(consolePages),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
