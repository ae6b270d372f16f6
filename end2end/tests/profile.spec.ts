import type { Page } from '@playwright/test';
import { expect, login, open, registerTrainer, STAFF, test, uniqueEmail } from './helpers';

async function completeness(page: Page): Promise<number> {
  const text = await page.getByTestId('completeness').innerText();
  return Number(text.replace(/[^0-9]/g, ''));
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');

test('a trainer fills the profile, staff ask for an NDA fix, then validate it', async ({ page, browser }) => {
  const email = uniqueEmail('profil');
  await registerTrainer(page, email, 'Inès', 'Moreau');

  // PROFIL
  await open(page, '/profil');
  const start = await completeness(page);
  await page.getByLabel('Madame').check();
  await page.getByLabel('Téléphone mobile').fill('06 12 34 56 78');
  await page.getByLabel('Adresse postale').fill('12 rue de la République');
  await page.getByLabel('Code postal').fill('69003');
  await expect(page.locator('#f-commune_code option', { hasText: 'Lyon 3e Arrondissement' })).toHaveCount(1);
  await page.getByLabel('Rayon de mobilité (km)').fill('30');
  await page.getByLabel('Présentiel').check();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Profil enregistré.')).toBeVisible();
  await expect.poll(() => completeness(page)).toBeGreaterThan(start);
  const afterProfile = await completeness(page);

  // PARCOURS
  await page.getByRole('link', { name: 'PARCOURS' }).click();
  await page.waitForURL('**/profil/parcours');
  await page.getByLabel('Domaine').selectOption('excel');
  await page.getByLabel("Années d'expérience").fill('8');
  await page.getByLabel('Votre niveau').selectOption('expert');
  await page.getByRole('button', { name: 'Ajouter le domaine' }).click();
  await expect(page.locator('ul.items').getByText('Excel')).toBeVisible();
  await page.getByLabel('Poste').fill('Formatrice bureautique');
  await page.getByLabel('Organisme ou entreprise').fill('AFPA Lyon');
  await page.getByLabel('Début').fill('2016-09-01');
  await page.getByRole('button', { name: "Ajouter l'expérience" }).click();
  await expect(page.locator('ul.items').getByText('Formatrice bureautique')).toBeVisible();
  await expect.poll(() => completeness(page)).toBeGreaterThan(afterProfile);
  const afterBackground = await completeness(page);

  // SITUATION ADMINISTRATIVE, with a mistyped NDA and the Qualiopi certificate
  await page.getByRole('link', { name: 'SITUATION ADMINISTRATIVE' }).click();
  await page.waitForURL('**/profil/administratif');
  await page.getByLabel('Statut juridique').selectOption('micro');
  await page.getByLabel('SIRET').fill('732 829 320 00074');
  await page.getByLabel("Numéro de déclaration d'activité (NDA)").fill('11 75 41412 76');
  await page.getByLabel('Je relève du régime micro-social').check();
  await page.getByLabel("Dernier chiffre d'affaires annuel déclaré (€ HT)").fill('42000');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Situation administrative enregistrée.')).toBeVisible();

  // A refused file says why and keeps what was typed in the form above.
  await page.getByLabel("Numéro du certificat").fill('QUALI-2025-118');
  await page.getByLabel('Type de document').selectOption('qualiopi');
  await page.getByLabel('Fichier (PDF, JPEG ou PNG, 5 Mo au plus)').setInputFiles({ name: 'certificat.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not really a pdf') });
  await page.getByRole('button', { name: 'Envoyer le fichier' }).click();
  await expect(page.getByText(/n'est ni un PDF, ni une image JPEG ou PNG/)).toBeVisible();
  await expect(page.getByLabel('Numéro du certificat')).toHaveValue('QUALI-2025-118');

  await page.getByLabel('Fichier (PDF, JPEG ou PNG, 5 Mo au plus)').setInputFiles({ name: 'certificat-qualiopi.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: 'Envoyer le fichier' }).click();
  await expect(page.getByText('« certificat-qualiopi.pdf » est bien enregistré (Certificat Qualiopi).')).toBeVisible();
  await expect.poll(() => completeness(page)).toBeGreaterThan(afterBackground);

  await page.getByRole('button', { name: 'Envoyer mon profil pour vérification' }).click();
  await expect(page.locator('.profile-header [data-status]')).toHaveText('En attente de vérification');

  // Staff ask for a change on the NDA.
  const staff = await browser.newPage();
  await login(staff, STAFF.email, STAFF.password);
  await open(staff, '/equipe/profils');
  await staff.getByRole('link', { name: 'Inès Moreau' }).click();
  await staff.waitForSelector('body[data-hydrated]');
  await expect(staff.getByText('11 75 41412 76')).toBeVisible();
  await expect(staff.getByRole('link', { name: 'certificat-qualiopi.pdf' })).toBeVisible();
  await staff.getByLabel('Demander des modifications').check();
  await staff.getByLabel('Motif — Situation administrative').fill('Le NDA ne correspond pas à la liste publique de la DREETS : vérifiez le dernier chiffre.');
  await staff.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(staff.getByText(/Décision enregistrée/)).toBeVisible();

  // The trainer sees the reason, fixes the NDA and resubmits.
  await open(page, '/profil/administratif');
  await expect(page.locator('.profile-header [data-status]')).toHaveText('Modifications demandées');
  await expect(page.getByText(/vérifiez le dernier chiffre/).first()).toBeVisible();
  await page.getByLabel("Numéro de déclaration d'activité (NDA)").fill('11 75 41412 75');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Situation administrative enregistrée.')).toBeVisible();
  await page.getByRole('button', { name: 'Envoyer mon profil pour vérification' }).click();
  await expect(page.locator('.profile-header [data-status]')).toHaveText('En attente de vérification');

  // Staff approve.
  await open(staff, '/equipe/profils');
  await staff.getByRole('link', { name: 'Inès Moreau' }).click();
  await staff.waitForSelector('body[data-hydrated]');
  await staff.getByLabel('Valider le profil').check();
  await staff.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await expect(staff.getByText(/Décision enregistrée/)).toBeVisible();
  await staff.close();

  await open(page, '/profil');
  await expect(page.locator('.profile-header [data-status]')).toHaveText('Validé');
  // Notified in the app.
  await open(page, '/notifications');
  await expect(page.getByRole('heading', { name: 'Votre profil est validé' })).toBeVisible();
});
