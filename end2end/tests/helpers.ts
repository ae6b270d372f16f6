import { expect, Page } from '@playwright/test';

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
