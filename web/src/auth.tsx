import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, unwrap } from './api/client';
import { onSessionChange, refreshAccessToken, setAccessToken } from './api/session';

export type Me = Awaited<ReturnType<typeof fetchMe>>;

async function fetchMe() {
  return unwrap(api.GET('/api/v1/auth/me'));
}

interface AuthState {
  status: 'loading' | 'signed-out' | 'signed-in';
  me: Me | undefined;
  can: (permission: string) => boolean;
  signOut: () => Promise<void>;
  reload: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState<'unknown' | 'yes' | 'no'>('unknown');
  useEffect(() => {
    const off = onSessionChange((signedIn) => setToken(signedIn ? 'yes' : 'no'));
    // A reload loses the in-memory token: the session cookie gets a new one.
    void refreshAccessToken();
    return off;
  }, []);
  const me = useQuery({ queryKey: ['me'], queryFn: fetchMe, enabled: token === 'yes', staleTime: 60_000 });
  const status: AuthState['status'] =
    token === 'no'
      ? 'signed-out'
      : token === 'unknown' || me.isPending
        ? 'loading'
        : me.data
          ? 'signed-in'
          : 'signed-out';
  const value: AuthState = {
    status,
    me: me.data,
    can: (permission) => me.data?.permissions.includes(permission as never) ?? false,
    signOut: async () => {
      await api.POST('/api/v1/auth/logout').catch(() => undefined);
      setAccessToken(null);
      queryClient.clear();
    },
    reload: async () => {
      await me.refetch();
    },
  };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
