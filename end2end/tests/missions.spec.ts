import { createMission, expect, login, open, STAFF, test } from './helpers';

const CAMILLE = { email: 'camille.martin@exemple.test', password: 'Formateur-Demo-2026' };

test('staff publish missions, the broadcast reaches the right trainer, who sees what she can apply to', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const stamp = Date.now().toString().slice(-6);
  const centre = `Centre E2E ${stamp}`;
  const lyon = `E2E Excel à Lyon ${stamp}`;
  const grenoble = `E2E Excel à Grenoble ${stamp}`;
  const remoteWord = `E2E Word experts à distance ${stamp}`;

  // Staff: a centre with a pay grid line.
  await login(page, STAFF.email, STAFF.password);
  await open(page, '/equipe/centres');
  await page.getByLabel('Nom du centre').fill(centre);
  await page.getByLabel('SIRET').fill('732 829 320 00074');
  await page.getByLabel('Code postal').fill('69003');
  await page.getByLabel('Taux horaire par défaut (€ HT)').fill('40');
  await page.getByRole('button', { name: 'Enregistrer le centre' }).click();
  await page.waitForURL(/\/equipe\/centres\/\d+$/);
  await page.waitForSelector('body[data-hydrated]');
  await page.locator('#f-rate-domain').selectOption('excel');
  await page.getByLabel('Taux horaire (€ HT)').fill('52');
  await page.getByRole('button', { name: 'Ajouter la ligne' }).click();
  await expect(page.locator('table').getByText('52 € / h')).toBeVisible();

  // Three missions, published.
  await createMission(page, centre, { title: lyon, domain: 'excel', level: 'debutant', format: 'presentiel', postal: '69002' });
  await expect(page.getByTestId('mission-rate')).toHaveText('52 € HT / h');
  await createMission(page, centre, { title: grenoble, domain: 'excel', level: 'debutant', format: 'presentiel', postal: '38000' });
  await createMission(page, centre, { title: remoteWord, domain: 'word', level: 'expert', format: 'distanciel' });

  // The daily broadcast, triggered on demand.
  await open(page, '/equipe/missions');
  await page.getByRole('button', { name: 'Diffuser maintenant' }).click();
  await expect(page.getByText(/Diffusion faite : \d+ mission\(s\)/)).toBeVisible();
  await open(page, '/equipe/emails');
  const digest = page.locator('article.email', { hasText: CAMILLE.email }).filter({ hasText: 'nouvelles missions' }).first();
  await expect(digest).toContainText(lyon);
  await expect(digest).toContainText(remoteWord);
  await expect(digest).not.toContainText(grenoble);

  // Camille (Lyon, 40 km, Excel Expert +, Word Expert) was notified of the right missions.
  const trainer = await browser.newPage();
  await login(trainer, CAMILLE.email, CAMILLE.password);
  await open(trainer, '/notifications');
  const note = trainer.locator('ul.notifications li').filter({ hasText: lyon }).first();
  await expect(note).toContainText(remoteWord);
  await expect(note).not.toContainText(grenoble);

  // Missions within 30 km.
  await open(trainer, '/missions');
  await trainer.getByLabel('Distance de chez vous').selectOption('30');
  await trainer.getByRole('button', { name: 'Filtrer' }).click();
  await trainer.waitForURL(/distance=30/);
  const lyonCard = trainer.locator('article.mission-card', { hasText: lyon });
  const wordCard = trainer.locator('article.mission-card', { hasText: remoteWord });
  await expect(lyonCard).toBeVisible();
  await expect(lyonCard.getByTestId('eligibility')).toHaveText('✓ Vous pouvez postuler');
  await expect(wordCard.getByTestId('eligibility')).toContainText('il faut le niveau Expert +');
  await expect(trainer.locator('article.mission-card', { hasText: grenoble })).toHaveCount(0);

  // Eligibility is computed in the browser: with the network to the server cut, filtering
  // on it still works.
  let apiCalls = 0;
  await trainer.route('**/api/**', (route) => {
    apiCalls += 1;
    return route.abort();
  });
  await trainer.getByLabel('Seulement celles auxquelles je peux postuler').check();
  await expect(wordCard).toHaveCount(0);
  await expect(lyonCard).toBeVisible();
  await trainer.getByLabel('Seulement celles auxquelles je peux postuler').uncheck();
  await expect(wordCard).toBeVisible();
  expect(apiCalls).toBe(0);
  await trainer.unroute('**/api/**');

  // The full explanation, with what to do.
  await wordCard.getByRole('link', { name: 'Voir le détail et que faire' }).click();
  await trainer.waitForURL(/\/missions\/\d+$/);
  await trainer.waitForSelector('body[data-hydrated]');
  await expect(trainer.locator('[data-code=competence_too_low]')).toContainText('votre test vous a classé au niveau Expert : repassez-le');
  await expect(trainer.getByRole('link', { name: /Repassez le test « Word »/ })).toBeVisible();
  await expect(trainer.getByRole('button', { name: 'Postuler à cette mission' })).toBeDisabled();

  // Applying where she can: the rate is shown at the moment of applying.
  await open(trainer, '/missions?distance=30');
  await trainer.locator('article.mission-card', { hasText: lyon }).getByRole('link', { name: lyon }).click();
  await trainer.waitForURL(/\/missions\/\d+$/);
  await trainer.waitForSelector('body[data-hydrated]');
  await expect(trainer.getByTestId('rate')).toHaveText('52 € HT');
  await trainer.getByRole('button', { name: 'Postuler à cette mission' }).click();
  await expect(trainer.getByTestId('application')).toHaveText('Candidature : envoyée');
  await trainer.close();
});
