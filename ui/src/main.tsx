import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from '@/app/App';
import { resumeSession } from '@/lib/auth/session';
import '@/styles/global.css';

void resumeSession(); // takes ?token= out of the address bar at once, before the router reads it

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
