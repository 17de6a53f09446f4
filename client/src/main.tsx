/** Entry point: the shell renders the page that matches the address. */
import './styles.css';
import { render } from 'preact';
import { App } from './app.tsx';
import { language } from './i18n/index.ts';
import { startRouter } from './router.ts';
import { loadCurrentUser } from './session.ts';

document.documentElement.lang = language();
startRouter();
void loadCurrentUser();
render(<App />, document.getElementById('app')!);
