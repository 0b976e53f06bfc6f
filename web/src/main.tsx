import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AuthProvider, useAuth } from './auth';
import { Skeleton } from './components/ui/card';
import { router } from './router';
import { ForcedPasswordChange } from './routes/change-password';
import { SignInPage } from './routes/sign-in';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } },
});

function Gate() {
  const auth = useAuth();
  if (auth.status === 'loading') {
    return (
      <div className="mx-auto max-w-7xl space-y-4 px-6 py-10" aria-busy="true" aria-label="Loading">
        <Skeleton className="h-8 w-64" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  }
  if (auth.status === 'signed-out') return <SignInPage />;
  if (auth.me?.user.mustChangePassword) return <ForcedPasswordChange onDone={() => void auth.reload()} />;
  return <RouterProvider router={router} />;
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <AuthProvider>
          <Gate />
        </AuthProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
