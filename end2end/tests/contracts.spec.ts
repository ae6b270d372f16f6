import type { Browser, Page } from '@playwright/test';
import { createMission, expect, login, open, STAFF, test } from './helpers';

const PASSWORD = 'Formateur-Demo-2026';
const HUGO = 'hugo.lefevre@exemple.test';
const INES = 'ines.moreau@exemple.test';
const CENTRE_CONTACT = 'contact@formapro-lyon.test';

async function trainerPage(browser: Browser, email: string): Promise<Page> {
  const page = await browser.newPage();
  await login(page, email, PASSWORD);
  return page;
}

/// The newest email to `to` whose text matches `pattern`, read on the staff page "Emails envoyés".
async function lastEmail(staff: Page, to: string, pattern: RegExp): Promise<string> {
  await open(staff, '/equipe/emails');
  const message = staff.locator('article.email', { hasText: to }).filter({ hasText: pattern }).first();
  await expect(message).toBeVisible();
  return (await message.innerText()) ?? '';
}

async function codeFor(staff: Page, to: string): Promise<string> {
  const text = await lastEmail(staff, to, /Votre code de signature/);
  const code = text.match(/contrat MF-[\d-]+ : (\d{6})/)?.[1];
  expect(code).toBeTruthy();
  return code!;
}

/// Staff publish a mission, the trainer applies and accepts the proposal: the contract is drawn.
async function acceptedMission(staff: Page, trainer: Page, title: string, name: string, hours: string) {
  await createMission(staff, 'FormaPro Lyon', { title, domain: 'excel', level: 'debutant', format: 'presentiel', postal: '69002', hours });
  const staffUrl = staff.url();
  const missionUrl = `/missions/${staffUrl.split('/').pop()}`;
  await open(trainer, missionUrl);
  await trainer.getByRole('button', { name: 'Postuler à cette mission' }).click();
  await expect(trainer.getByTestId('application')).toHaveText('Candidature : envoyée');
  await open(staff, staffUrl);
  await staff.locator('tr', { hasText: name }).getByRole('button', { name: 'Proposer' }).click();
  await expect(staff.getByTestId('proposals').locator('li[data-status=ouverte]')).toContainText(name);
  await open(trainer, missionUrl);
  await trainer.getByRole('button', { name: 'Accepter la mission' }).click();
  await expect(trainer.getByTestId('proposal')).toContainText('Vous avez accepté cette mission');
  return staffUrl;
}

test('the trainer and the centre sign the contract; the verification page recognises the signed PDF', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const stamp = Date.now().toString().slice(-6);
  const title = `E2E Contrat Excel ${stamp}`;
  await login(page, STAFF.email, STAFF.password);
  const hugo = await trainerPage(browser, HUGO);
  const staffUrl = await acceptedMission(page, hugo, title, 'Hugo Lefèvre', '21');

  // Hugo finds the contract, reads it and signs with the code emailed to him.
  await hugo.getByRole('link', { name: 'Voir et signer mon contrat' }).click();
  await hugo.getByTestId('my-contracts').getByRole('link', { name: title }).click();
  await expect(hugo.getByTestId('contract-state')).toHaveText('À signer');
  await expect(hugo.getByTestId('contract-text')).toContainText('Prix et modalités de paiement');
  await expect(hugo.getByTestId('contract-text')).toContainText('Hugo Lefèvre');
  await hugo.waitForSelector('body[data-hydrated]');
  await hugo.getByRole('button', { name: 'Recevoir le code par e-mail' }).click();
  await expect(hugo.getByTestId('code-sent')).toBeVisible();
  const hugoCode = await codeFor(page, HUGO);
  await hugo.getByRole('button', { name: 'Signer le contrat' }).click();
  await expect(hugo.locator('p.error', { hasText: 'Cochez cette case pour confirmer' })).toBeVisible();
  await hugo.getByLabel(/J'ai lu l'intégralité du contrat/).check();
  await hugo.getByLabel('Code reçu par e-mail').fill(hugoCode);
  await hugo.getByRole('button', { name: 'Signer le contrat' }).click();
  await expect(hugo.getByTestId('signers').locator('li[data-signed=true]')).toHaveCount(1);
  await expect(hugo.getByTestId('sign-panel')).toHaveCount(0);
  const contractUrl = hugo.url();

  // The centre's contact signs through the emailed link, without an account.
  const linkMail = await lastEmail(page, CENTRE_CONTACT, new RegExp(`Contrat à signer : ${title}`));
  const link = linkMail.match(/https?:\/\/\S+\/signature\/[0-9a-f]{64}/)?.[0];
  expect(link).toBeTruthy();
  const centreContext = await browser.newContext();
  const centre = await centreContext.newPage();
  await open(centre, new URL(link!).pathname);
  await expect(centre.getByTestId('contract-text')).toContainText(title);
  await centre.waitForSelector('body[data-hydrated]');
  await centre.getByRole('button', { name: 'Recevoir le code par e-mail' }).click();
  await expect(centre.getByTestId('code-sent')).toBeVisible();
  const centreCode = await codeFor(page, CENTRE_CONTACT);
  await centre.getByLabel(/J'ai lu l'intégralité du contrat/).check();
  await centre.getByLabel('Code reçu par e-mail').fill(centreCode);
  await centre.getByRole('button', { name: 'Signer le contrat' }).click();
  await expect(centre.getByTestId('contract-state')).toHaveText('Signé');
  await expect(centre.getByTestId('journal')).toContainText('Signature');

  // Both download the same signed PDF.
  const centreHref = await centre.getByTestId('signed-pdf').getAttribute('href');
  const fromLink = await (await centre.request.get(centreHref!)).body();
  await open(hugo, new URL(contractUrl).pathname);
  await expect(hugo.getByTestId('contract-state')).toHaveText('Signé');
  const hugoHref = await hugo.getByTestId('signed-pdf').getAttribute('href');
  const fromHugo = await (await hugo.request.get(hugoHref!)).body();
  expect(fromHugo.subarray(0, 5).toString()).toBe('%PDF-');
  expect(Buffer.compare(fromHugo, fromLink)).toBe(0);

  // The public verification page recognises it, and rejects it with one byte changed.
  const visitor = await (await browser.newContext()).newPage();
  await open(visitor, '/verifier-contrat');
  await visitor.getByLabel('Fichier PDF du contrat').setInputFiles({ name: 'contrat.pdf', mimeType: 'application/pdf', buffer: fromHugo });
  await visitor.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await expect(visitor.getByTestId('verify-result')).toHaveAttribute('data-outcome', 'signe');
  await expect(visitor.getByTestId('verify-result')).toContainText('Hugo Lefèvre');
  const altered = Buffer.from(fromHugo);
  altered[Math.floor(altered.length / 2)] ^= 1;
  await open(visitor, '/verifier-contrat');
  await visitor.getByLabel('Fichier PDF du contrat').setInputFiles({ name: 'contrat.pdf', mimeType: 'application/pdf', buffer: altered });
  await visitor.getByRole('button', { name: 'Vérifier le fichier' }).click();
  await expect(visitor.getByTestId('verify-result')).toHaveAttribute('data-outcome', 'inconnu');

  // Staff see the signed contract on the mission and can start it.
  await open(page, staffUrl);
  await expect(page.getByTestId('mission-contract').getByTestId('contract-state')).toHaveText('Signé');
  await centreContext.close();
});

test('a contract of 5 000 € or more waits for a recent URSSAF attestation', async ({ page, browser }) => {
  test.setTimeout(200_000);
  const stamp = Date.now().toString().slice(-6);
  const title = `E2E Contrat long ${stamp}`;
  await login(page, STAFF.email, STAFF.password);
  const ines = await trainerPage(browser, INES);
  await acceptedMission(page, ines, title, 'Inès Moreau', '150');
  await open(ines, '/contrats');
  await ines.getByTestId('my-contracts').getByRole('link', { name: title }).click();
  await expect(ines.getByTestId('vigilance')).toContainText('URSSAF');
  await expect(ines.getByTestId('sign-blocked')).toContainText('5 000 € HT');
  await expect(ines.getByRole('button', { name: 'Signer le contrat' })).toHaveCount(0);
  await expect(ines.getByRole('link', { name: "Déposer l'attestation" })).toHaveAttribute('href', '/profil/documents');
});
