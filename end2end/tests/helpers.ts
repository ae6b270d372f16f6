import { Browser, expect, Page, test as base } from '@playwright/test';

export { expect };

/** Records the errors that break a page silently: a hydration mismatch or a panic in the
 *  WebAssembly leaves the server-rendered HTML in place without its event handlers. */
function watch(page: Page, errors: string[]) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /hydration|panicked/i.test(m.text())) errors.push(`${page.url()}: ${m.text()}`);
  });
}

/** Every test fails if any of its pages (including those opened with `browser.newPage()`)
 *  reported a hydration error or a panic. */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page, browser }, use) => {
      const errors: string[] = [];
      watch(page, errors);
      const original = browser.newPage.bind(browser);
      (browser as Browser).newPage = async (...args: Parameters<Browser['newPage']>) => {
        const created = await original(...args);
        watch(created, errors);
        return created;
      };
      await use(errors);
      browser.newPage = original;
      expect(errors, 'errors reported by the pages').toEqual([]);
    },
    { auto: true },
  ],
});

export const STAFF = { email: 'equipe@mission-formateur.test', password: 'Equipe-Demo-2026' };
export const PASSWORD = 'cheval agrafe pile correcte';

/** Navigates and waits until the page is interactive (WASM hydrated). */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await page.waitForSelector('body[data-hydrated]');
}

export function uniqueEmail(prefix: string) {
  return `${prefix}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@exemple.test`;
}

export async function login(page: Page, email: string, password: string) {
  await open(page, '/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/connexion'));
  await page.waitForSelector('body[data-hydrated]');
}

export async function logout(page: Page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page.getByText('Vous êtes déconnecté')).toBeVisible();
  await page.waitForSelector('body[data-hydrated]');
}

export async function registerTrainer(page: Page, email: string, first = 'Jeanne', last = 'Dupont') {
  await open(page, '/inscription');
  await page.getByLabel('Prénom').fill(first);
  await page.getByLabel('Nom', { exact: true }).fill(last);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByLabel(/J'accepte les/).check();
  await page.getByRole('button', { name: 'Créer mon compte' }).click();
  await page.waitForURL('**/espace');
  await page.waitForSelector('body[data-hydrated]');
}
