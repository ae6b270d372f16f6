import type { Browser, Page } from '@playwright/test';
import { answerAll, bank, createMission, expect, finish, login, open, STAFF, startTest, test } from './helpers';

const PASSWORD = 'Formateur-Demo-2026';
const LUCIE = 'lucie.garnier@exemple.test';
const HUGO = 'hugo.lefevre@exemple.test';
const INES = 'ines.moreau@exemple.test';
const CAMILLE = 'camille.martin@exemple.test';

async function trainerPage(browser: Browser, email: string): Promise<Page> {
  const page = await browser.newPage();
  await login(page, email, PASSWORD);
  return page;
}

async function openMission(page: Page, url: string) {
  await open(page, url);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

test('from applications to an accepted proposal: reasons, withdrawal, ranking, invitation, decline, acceptance', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const stamp = Date.now().toString().slice(-6);
  const title = `E2E Excel débutants ${stamp}`;

  // Staff publish an Excel mission for beginners in Lyon.
  await login(page, STAFF.email, STAFF.password);
  await createMission(page, 'FormaPro Lyon', { title, domain: 'excel', level: 'debutant', format: 'presentiel', postal: '69002' });
  const staffUrl = page.url();
  const missionUrl = `/missions/${staffUrl.split('/').pop()}`;

  // Lucie has not taken the Excel test: she sees why and what to do, passes it, and the panel
  // says she can apply.
  const lucie = await trainerPage(browser, LUCIE);
  await openMission(lucie, missionUrl);
  const missing = lucie.locator('[data-code=domain_test_missing]');
  await expect(missing).toBeVisible();
  await expect(missing.getByRole('link', { name: /Passez le test/ })).toBeVisible();
  await expect(lucie.getByRole('button', { name: 'Postuler à cette mission' })).toBeDisabled();
  await startTest(lucie, 'excel');
  await answerAll(lucie, bank('excel'), () => true);
  await finish(lucie);
  await openMission(lucie, missionUrl);
  await expect(lucie.getByTestId('eligibility')).toContainText('Vous remplissez toutes les conditions');
  await lucie.getByRole('button', { name: 'Postuler à cette mission' }).click();
  await expect(lucie.getByTestId('application')).toHaveText('Candidature : envoyée');

  // Hugo and Inès apply; Hugo withdraws and applies again.
  const thomas = await trainerPage(browser, HUGO);
  await openMission(thomas, missionUrl);
  await thomas.getByRole('button', { name: 'Postuler à cette mission' }).click();
  await expect(thomas.getByTestId('application')).toHaveText('Candidature : envoyée');
  await thomas.getByRole('button', { name: 'Retirer ma candidature' }).click();
  await expect(thomas.getByTestId('application')).toHaveText('Candidature : retirée');
  await thomas.getByRole('button', { name: 'Postuler à nouveau' }).click();
  await expect(thomas.getByTestId('application')).toHaveText('Candidature : envoyée');
  const ines = await trainerPage(browser, INES);
  await openMission(ines, missionUrl);
  await ines.getByRole('button', { name: 'Postuler à cette mission' }).click();
  await expect(ines.getByTestId('application')).toHaveText('Candidature : envoyée');

  // Staff see the applicants ranked, each with the parts of the score; they invite Camille, an
  // eligible trainer who has not applied, from "Meilleurs profils".
  await open(page, staffUrl);
  const applicants = page.getByTestId('applicants').locator('tbody tr');
  await expect(applicants).toHaveCount(3);
  for (const part of ['Niveau testé', 'Score au test', 'Fraîcheur du test', 'Distance', 'Expérience']) {
    await expect(applicants.first().locator('.score-parts')).toContainText(part);
  }
  const best = page.getByTestId('best-profiles');
  const camilleRow = best.locator('tr', { hasText: 'Camille Martin' });
  await expect(camilleRow.locator('.score-parts')).toContainText('Niveau testé');
  await camilleRow.getByRole('button', { name: 'Inviter' }).click();
  await expect(camilleRow).toContainText('invité le');
  const camille = await trainerPage(browser, CAMILLE);
  await open(camille, '/notifications');
  await expect(camille.locator('ul.notifications li').filter({ hasText: title }).first()).toBeVisible();
  await camille.close();

  // Staff propose the mission to Inès, who sees the terms and the learner's contact and declines.
  await open(page, staffUrl);
  const inesRow = page.locator('tr', { hasText: 'Inès Moreau' });
  await inesRow.getByRole('button', { name: 'Proposer' }).click();
  await expect(page.getByTestId('proposals')).toContainText('Inès Moreau');
  await expect(page.getByTestId('proposals')).toContainText('En attente de réponse');

  await openMission(ines, missionUrl);
  const proposal = ines.getByTestId('proposal');
  await expect(proposal).toContainText('Cette mission vous est proposée');
  await expect(proposal).toContainText('soit');
  await expect(ines.getByTestId('learners')).toContainText('lea.morel@exemple.test');
  await ines.getByText('Décliner la proposition').click();
  await ines.getByLabel('Raison (facultatif)').fill('Je ne suis pas disponible à ces dates.');
  await ines.getByRole('button', { name: 'Décliner', exact: true }).click();
  await expect(ines.getByTestId('proposal')).toContainText('Vous avez décliné');
  await expect(ines.getByTestId('learners')).toHaveCount(0);

  // Staff see the decline and its reason, and propose to Hugo, who accepts.
  await open(page, staffUrl);
  await expect(page.getByTestId('proposals')).toContainText('Je ne suis pas disponible à ces dates.');
  await page.locator('tr', { hasText: 'Hugo Lefèvre' }).getByRole('button', { name: 'Proposer' }).click();
  await expect(page.getByTestId('proposals').locator('li[data-status=ouverte]')).toContainText('Hugo Lefèvre');

  await openMission(thomas, missionUrl);
  await thomas.getByRole('button', { name: 'Accepter la mission' }).click();
  await expect(thomas.getByTestId('proposal')).toContainText('Vous avez accepté cette mission');
  await expect(thomas.getByTestId('learners')).toContainText('Léa Morel');
  await expect(thomas.getByTestId('learners')).toContainText('06 11 11 11 11');

  // The others see "non retenue" on their applications page; Inès keeps her decline.
  await open(lucie, '/candidatures');
  await expect(lucie.getByTestId('my-applications').locator('li', { hasText: title })).toContainText('Non retenue');
  await open(ines, '/candidatures');
  await expect(ines.getByTestId('my-applications').locator('li', { hasText: title })).toContainText('Déclinée');

  // Every step is in the mission's history.
  await open(page, staffUrl);
  const history = page.getByTestId('mission-history');
  await expect(history).toContainText('Candidature retirée — Hugo Lefèvre');
  await expect(history).toContainText('Proposition déclinée — Inès Moreau');
  await expect(history).toContainText('Proposition acceptée — Hugo Lefèvre');
  await expect(history).toContainText('Candidature non retenue — Lucie Garnier');
  await expect(page.getByTestId('mission-status')).toHaveText('Pourvue');
  for (const p of [lucie, thomas, ines]) await p.close();
});
