import { expect, login, logout, open, PASSWORD, registerTrainer, STAFF, test, uniqueEmail } from './helpers';

test('a new trainer registers, logs out and logs back in', async ({ page }) => {
  const email = uniqueEmail('jeanne');
  await open(page, '/');
  await page.getByRole('link', { name: 'Créer mon compte formateur' }).first().click();
  await expect(page.getByRole('heading', { name: 'Créer votre compte formateur' })).toBeVisible();
  await page.waitForSelector('body[data-hydrated]');

  // The password rules are explained while typing, before any request.
  await page.getByLabel('Mot de passe', { exact: true }).fill('court');
  await expect(page.getByText('au moins 12 caractères (vous en avez saisi 5)')).toBeVisible();

  await registerTrainer(page, email);
  await expect(page.getByText(/Bienvenue Jeanne ! Votre compte est créé/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Bonjour Jeanne' })).toBeVisible();

  await logout(page);
  await expect(page.getByRole('link', { name: 'Se connecter' }).first()).toBeVisible();

  await login(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/espace$/);
  await expect(page.getByText('Bonjour Jeanne !')).toBeVisible();
});

test('registration errors are shown in French next to each field, keeping what was typed', async ({ page }) => {
  await open(page, '/inscription');
  await page.getByLabel('Prénom').fill('Paul');
  await page.getByLabel('Adresse e-mail').fill('paul@exemple');
  await page.getByLabel('Mot de passe', { exact: true }).fill('motdepasse123');
  await page.getByLabel('Confirmez le mot de passe').fill('autre chose encore');
  await page.getByRole('button', { name: 'Créer mon compte' }).click();

  await expect(page.locator('#f-last_name').locator('..').getByText('Saisissez votre nom.')).toBeVisible();
  await expect(page.locator('#f-email').locator('..').getByText(/adresse e-mail n'est pas valide/)).toBeVisible();
  await expect(page.getByText(/fait partie des mots de passe les plus courants/).first()).toBeVisible();
  await expect(page.getByText('Les deux mots de passe ne sont pas identiques.').first()).toBeVisible();
  await expect(page.getByText(/Vous devez accepter les conditions/).first()).toBeVisible();
  await expect(page.getByLabel('Prénom')).toHaveValue('Paul');
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue('paul@exemple');
});

test('wrong credentials get one French message, whatever was wrong', async ({ page }) => {
  await open(page, '/connexion');
  await page.getByLabel('Adresse e-mail').fill('personne@exemple.test');
  await page.getByLabel('Mot de passe', { exact: true }).fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByText('Adresse e-mail ou mot de passe incorrect.')).toBeVisible();
});

test('a forgotten password is reset through the emailed single-use link', async ({ page, browser }) => {
  const email = uniqueEmail('oubli');
  await registerTrainer(page, email, 'Olivia', 'Bernard');
  await logout(page);

  await open(page, '/connexion');
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await page.waitForSelector('body[data-hydrated]');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByRole('button', { name: 'Recevoir le lien' }).click();
  await expect(page.getByText(/Si un compte existe avec cette adresse/)).toBeVisible();

  // Locally, email goes to the outbox, which staff read on "Emails envoyés".
  const staff = await browser.newPage();
  await login(staff, STAFF.email, STAFF.password);
  await open(staff, '/equipe/emails');
  const message = staff.locator('article.email', { hasText: email }).filter({ hasText: 'Réinitialisation' }).first();
  await expect(message).toBeVisible();
  const link = await message.locator('a[href*="jeton="]').getAttribute('href');
  expect(link).toBeTruthy();
  await staff.close();

  const newPassword = 'une nouvelle phrase bien à moi';
  await open(page, link!);
  await page.getByLabel('Nouveau mot de passe').fill(newPassword);
  await page.getByLabel('Confirmez le mot de passe').fill(newPassword);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await page.waitForURL('**/connexion');
  await expect(page.getByText(/Votre mot de passe est modifié/)).toBeVisible();

  await login(page, email, newPassword);
  await expect(page).toHaveURL(/\/espace$/);

  // The link works once only.
  await open(page, link!);
  await expect(page.getByText('Ce lien a déjà été utilisé.')).toBeVisible();
});

test('the demo staff member logs in and sees the staff home', async ({ page }) => {
  await open(page, '/equipe');
  // Visitors are sent to the login page, then back where they were going.
  await expect(page).toHaveURL(/\/connexion\?suite=%2Fequipe|\/connexion\?suite=\/equipe/);
  await page.getByLabel('Adresse e-mail').fill(STAFF.email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(STAFF.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL('**/equipe');
  await expect(page.getByRole('heading', { name: "Tableau de bord de l'équipe" })).toBeVisible();
  await expect(page.getByText('formateurs inscrits')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Emails envoyés' }).first()).toBeVisible();
});

test('a trainer is refused the staff pages', async ({ page }) => {
  await registerTrainer(page, uniqueEmail('curieux'));
  await open(page, '/equipe/emails');
  await expect(page.getByRole('heading', { name: 'Accès réservé' })).toBeVisible();
});

test('an unknown address shows the French 404 page', async ({ page }) => {
  const response = await page.goto('/cette-page-n-existe-pas');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page introuvable' })).toBeVisible();
});

test('a trainer changes their password from the account page', async ({ page }) => {
  const email = uniqueEmail('change');
  await registerTrainer(page, email);
  await open(page, '/compte');
  await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
  const next = 'encore une autre phrase secrète';
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(next);
  await page.getByLabel('Confirmez le nouveau mot de passe').fill(next);
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(page.getByText('Votre mot de passe est modifié. Vos autres sessions sont fermées.')).toBeVisible();
  await logout(page);
  await login(page, email, next);
  await expect(page).toHaveURL(/\/espace$/);
});
