/** Entry point: the shell renders the page that matches the address. */
import './styles.css';
import { render } from 'preact';
import { App } from './app.tsx';
import { language, loadDictionary } from './i18n/index.ts';
import { ROUTES } from './routes.ts';
import { matchRoute, startRouter } from './router.ts';
import { loadCurrentUser } from './session.ts';

document.documentElement.lang = language();
startRouter();
void loadCurrentUser();
// The page's code and the language's texts download side by side, not one after the other.
void matchRoute(window.location.pathname, ROUTES)
  ?.route.load()
  .catch(() => undefined);
const root = document.getElementById('app')!;
loadDictionary(language()).then(
  () => render(<App />, root),
  () => {
    root.textContent =
      'Consulto n’a pas pu se charger : vérifiez votre connexion, puis rechargez la page. / Consulto could not load: check your connection, then reload the page.';
  },
);
