import { answerAll, bank, expect, finish, open, registerTrainer, startTest, test, uniqueEmail } from './helpers';

test('a trainer passes the Qualiopi QCM, is placed in English, fails a domain test; reloads keep answers and clock', async ({ page }) => {
  test.setTimeout(240_000);
  await registerTrainer(page, uniqueEmail('tests'), 'Lucas', 'Garnier');
  await open(page, '/tests');
  await expect(page.locator('[data-test=qualiopi]').getByTestId('state')).toHaveText('Jamais passé');

  // The Qualiopi QCM, with a reload in the middle.
  await startTest(page, 'qualiopi');
  await expect(page.getByTestId('progress')).toHaveText('0 / 20 réponses');
  const qualiopi = bank('qualiopi');
  await page.locator('.qnav').nth(0).click();
  const firstPrompt = (await page.locator('fieldset.question .prompt').innerText()).trim();
  const first = qualiopi.questions.find((q) => q.prompt.trim() === firstPrompt)!;
  for (const o of first.options.filter((o) => o.correct)) {
    await page.locator('fieldset.question').getByLabel(o.label, { exact: true }).check();
  }
  await expect(page.locator('.save-state')).toHaveText('Réponse enregistrée');
  await expect(page.getByTestId('progress')).toHaveText('1 / 20 réponses');
  // Blanks are flagged before submitting, without asking the server.
  await page.getByRole('button', { name: 'Terminer le test' }).click();
  await expect(page.getByText('Il reste 19 question(s) sans réponse')).toBeVisible();
  await page.getByRole('button', { name: 'Revenir aux questions' }).click();

  await page.waitForTimeout(2100);
  const before = await page.getByTestId('countdown').innerText();
  await page.reload();
  await page.waitForSelector('body[data-hydrated]');
  await expect(page.getByTestId('progress')).toHaveText('1 / 20 réponses');
  const after = await page.getByTestId('countdown').innerText();
  const seconds = (t: string) => Number(t.split(':')[0]) * 60 + Number(t.split(':')[1]);
  expect(seconds(after)).toBeLessThanOrEqual(seconds(before));
  expect(seconds(after)).toBeGreaterThan(20 * 60);
  expect(seconds(after)).toBeLessThan(25 * 60);
  await page.locator('.qnav').nth(0).click();
  for (const o of first.options.filter((o) => o.correct)) {
    await expect(page.locator('fieldset.question').getByLabel(o.label, { exact: true })).toBeChecked();
  }

  await answerAll(page, qualiopi, () => true);
  await finish(page);
  await expect(page.getByTestId('verdict')).toHaveText('Réussi');
  await expect(page.getByTestId('score')).toHaveText('100 %');
  await expect(page.getByText(/Valable jusqu'au/)).toBeVisible();
  await expect(page.locator('.correction').first().locator('.explanation')).toBeVisible();

  // English: right up to B1, wrong above: placed at B1.
  const english = bank('anglais');
  await startTest(page, 'anglais');
  await answerAll(page, english, (q) => ['A1', 'A2', 'B1'].includes(q.cefr ?? ''));
  await finish(page);
  await expect(page.getByTestId('level')).toHaveText('Votre niveau : B1');

  // Excel: everything wrong, failed, with the date it can be retaken.
  await startTest(page, 'excel');
  await answerAll(page, bank('excel'), () => false);
  await finish(page);
  await expect(page.getByTestId('verdict')).toHaveText('Échoué');
  await expect(page.getByText(/Vous pourrez repasser ce test à partir du/)).toBeVisible();

  await open(page, '/tests');
  await expect(page.locator('[data-test=qualiopi]').getByTestId('state')).toHaveText(/^Réussi — valable jusqu'au/);
  await expect(page.locator('[data-test=anglais]').getByTestId('state')).toHaveText(/^Réussi — niveau B1/);
  await expect(page.locator('[data-test=excel]').getByTestId('state')).toHaveText(/^Échoué — repassable le/);
  await expect(page.locator('[data-test=excel]').getByRole('link', { name: 'Repasser' })).toHaveCount(0);
});
