import { Browser, expect, Page, test as base } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

// ---------------------------------------------------------------------------------------------
// Competence tests: the question banks are read from the repository to answer as wanted.

export type Bank = { questions: { prompt: string; cefr: string | null; options: { label: string; correct: boolean }[] }[] };

export function bank(code: string): Bank {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'app', 'data', 'tests', `${code}.json`), 'utf8'));
}

/** Answers every question of the running attempt; `right` decides, per question, whether to answer correctly. */
export async function answerAll(page: Page, b: Bank, right: (q: Bank['questions'][number]) => boolean) {
  const total = await page.locator('.qnav').count();
  for (let i = 0; i < total; i++) {
    await page.locator('.qnav').nth(i).click();
    const prompt = (await page.locator('fieldset.question .prompt').innerText()).trim();
    const q = b.questions.find((x) => x.prompt.trim() === prompt);
    expect(q, `question not in bank: ${prompt}`).toBeTruthy();
    const wanted = right(q!) ? q!.options.filter((o) => o.correct) : [q!.options.find((o) => !o.correct)!];
    for (const option of wanted) {
      await page.locator('fieldset.question').getByLabel(option.label, { exact: true }).check();
    }
    await expect(page.locator('.save-state')).toHaveText('Réponse enregistrée');
  }
}

export async function startTest(page: Page, code: string) {
  await open(page, `/tests/${code}`);
  await page.getByRole('button', { name: /Commencer le test|Reprendre le test/ }).click();
  await page.waitForURL(/\/tests\/tentative\/\d+/);
  await expect(page.getByTestId('progress')).toBeVisible();
}

export async function finish(page: Page) {
  await page.getByRole('button', { name: 'Terminer le test' }).click();
  await page.waitForURL(/\/tests\/resultat\/\d+/);
  await expect(page.getByTestId('verdict')).toBeVisible();
}


// ---------------------------------------------------------------------------------------------
// Missions

export function isoIn(days: number) {
  const d = new Date(Date.now() + days * 86400000);
  return d.toISOString().slice(0, 10);
}

export async function createMission(page: Page, centre: string, m: { title: string; domain: string; level: string; format: string; postal?: string; hours?: string }) {
  await open(page, '/equipe/missions/nouvelle');
  await page.getByLabel('Centre').selectOption({ label: centre });
  await page.getByLabel('Intitulé').fill(m.title);
  await page.getByLabel('Domaine', { exact: true }).selectOption(m.domain);
  await page.getByLabel('Niveau des stagiaires').selectOption(m.level);
  await page.getByLabel('Format', { exact: true }).selectOption(m.format);
  if (m.postal) await page.getByLabel('Code postal du lieu').fill(m.postal);
  await page.getByLabel("Nombre d'heures").fill(m.hours ?? '21');
  await page.getByLabel('Début', { exact: true }).fill(isoIn(20));
  await page.getByLabel('Fin', { exact: true }).fill(isoIn(50));
  await page.getByLabel('Contacts des stagiaires').fill('Léa Morel ; 06 11 11 11 11 ; lea.morel@exemple.test');
  await page.getByRole('button', { name: 'Créer la mission (brouillon)' }).click();
  await page.waitForURL(/\/equipe\/missions\/\d+$/);
  await page.waitForSelector('body[data-hydrated]');
  await page.getByRole('button', { name: 'Publier' }).click();
  await expect(page.getByTestId('mission-status')).toHaveText('Publiée');
}

