import { createRootRoute, createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { Layout } from './components/layout';
import { EmptyState } from './components/ui/card';

const rootRoute = createRootRoute({
  component: Layout,
  notFoundComponent: () => <EmptyState title="Page not found">This address does not lead anywhere. Use the menu above.</EmptyState>,
});

const index = createRoute({ getParentRoute: () => rootRoute, path: '/', beforeLoad: () => redirect({ to: '/analyses', throw: true }) });
const datasets = createRoute({ getParentRoute: () => rootRoute, path: '/datasets', component: lazyRouteComponent(() => import('./routes/datasets'), 'DatasetsPage') });
const dataset = createRoute({ getParentRoute: () => rootRoute, path: '/datasets/$id', component: lazyRouteComponent(() => import('./routes/dataset'), 'DatasetPage') });
const analyses = createRoute({ getParentRoute: () => rootRoute, path: '/analyses', component: lazyRouteComponent(() => import('./routes/analyses'), 'AnalysesPage') });
const newAnalysis = createRoute({ getParentRoute: () => rootRoute, path: '/analyses/new', component: lazyRouteComponent(() => import('./routes/new-analysis'), 'NewAnalysisPage') });
const analysis = createRoute({ getParentRoute: () => rootRoute, path: '/analyses/$id', component: lazyRouteComponent(() => import('./routes/dashboard'), 'DashboardPage') });
const profile = createRoute({ getParentRoute: () => rootRoute, path: '/profile', component: lazyRouteComponent(() => import('./routes/profile'), 'ProfilePage') });

const askReviews = createRoute({ getParentRoute: () => rootRoute, path: '/ask-reviews', component: lazyRouteComponent(() => import('./routes/ask-reviews'), 'AskReviewsPage') });

const routeTree = rootRoute.addChildren([index, datasets, dataset, analyses, newAnalysis, analysis, profile, askReviews]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
