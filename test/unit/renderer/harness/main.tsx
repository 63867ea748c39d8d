// Screenshot harness: the real editor against the in-memory fake host, so the
// views can be looked at without a privileged engine. Never part of the app build.
import { createRoot } from 'react-dom/client';
import { App } from '../../../../src-renderer/src/App';
import { createFakeHost, rateSample } from '../fake-host';

const host = createFakeHost();
let t = 0;
setInterval(() => host.emit('adapterRates', rateSample(t++)), 200);
createRoot(document.getElementById('root')!).render(<App api={host} />);
