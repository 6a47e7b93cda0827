import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { TABLET, until } from './browser';

/** axe-core's own bundle, evaluated in the page: the app's CSP refuses an injected <script>. */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts that fail a screen; `minor` ones are left to judgement. */
const FAILING_IMPACTS = ['moderate', 'serious', 'critical'];

/** Runs axe-core on the page as it is and returns every violation of moderate impact or worse, one line each. */
export async function axeProblems(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => 'axe' in window);
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeRunner }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      html: v.nodes[0]?.html.slice(0, 300) ?? '',
    }));
  });
  return violations
    .filter((v) => FAILING_IMPACTS.includes(v.impact))
    .map((v) => `${v.impact} ${v.rule}: ${v.help} — ${v.targets.join(' | ')} — first: ${v.html}`);
}

interface AxeRunner {
  run(
    context: Document,
    options: { resultTypes: string[] },
  ): Promise<{
    violations: { id: string; impact?: string; help: string; nodes: { target: string[]; html: string }[] }[];
  }>;
}

/**
 * What sticks out sideways at the page's current width: the document scrolling horizontally, every visible element
 * whose box reaches past the viewport's right edge or is wider than it, and every box that scrolls sideways (a table
 * in a scrolling wrapper, a dialog's content): a reader would find it cut at the edge. Elements inside one already
 * listed are not listed again.
 */
export async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth) {
      problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
    }
    const width = root.clientWidth;
    const reported: Element[] = [];
    const describe = (element: Element) =>
      element.tagName.toLowerCase() +
      (element.id ? `#${element.id}` : '') +
      (element.getAttribute('data-testid') ? `[data-testid=${element.getAttribute('data-testid')}]` : '') +
      Array.from(element.classList)
        .slice(0, 3)
        .map((c) => `.${c}`)
        .join('');
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      if (reported.some((r) => r.contains(element))) continue;
      if (!element.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.right <= 0) continue;
      // Material's invisible 48 px touch areas around 40 px buttons paint nothing and may pass the edge.
      if (element.classList.contains('mat-mdc-button-touch-target')) continue;
      const style = getComputedStyle(element);
      const scrolls = ['auto', 'scroll'].includes(style.overflowX) && !(element instanceof HTMLTextAreaElement);
      if (scrolls && element.scrollWidth > element.clientWidth + 1) {
        reported.push(element);
        problems.push(`${describe(element)} scrolls sideways: ${element.scrollWidth} > ${element.clientWidth}`);
      } else if (box.right > width + 1 || box.width > width + 1) {
        reported.push(element);
        problems.push(
          `${describe(element)} reaches x=${Math.round(box.right)} (width ${Math.round(box.width)}) past ${width}`,
        );
      }
    }
    return problems;
  });
}

const isDark = (page: Page) => page.evaluate(() => document.documentElement.classList.contains('dark'));

/**
 * Switches the theme as a user does, with the toolbar's button, when it is not already the one asked for; under a
 * dialog, which covers the toolbar, it sets the class the button sets on <html>.
 */
export async function switchTheme(page: Page, dark: boolean): Promise<void> {
  if ((await isDark(page)) === dark) return;
  if (await page.locator('mat-dialog-container').count()) {
    await page.evaluate((d) => document.documentElement.classList.toggle('dark', d), dark);
  } else {
    await page.getByTestId('theme-toggle').click();
  }
  const now = await until(
    () => isDark(page),
    (d) => d === dark,
  );
  if (now !== dark) throw new Error(`the theme did not switch to ${dark ? 'dark' : 'light'}`);
  // The pointer stays off the toolbar, so no tooltip is left over the screen being checked.
  await page.mouse.move(0, (page.viewportSize()?.height ?? 800) - 1);
  await settled(page);
}

/**
 * Waits until the fonts are in (before, an icon's ligature reads as a word, e.g. "translate") and no CSS transition
 * runs, so names and colours are measured as a user meets them.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await document.fonts.ready;
  });
  await until(
    () =>
      page.evaluate(
        () => document.getAnimations().filter((a) => a instanceof CSSTransition && a.playState === 'running').length,
      ),
    (running) => running === 0,
  );
}

/** Turns the page to tablet width and waits until the shell has laid itself out for it (the side menu folded away). */
export async function toTablet(page: Page): Promise<void> {
  await page.setViewportSize(TABLET);
  const contentLeft = () =>
    page.evaluate(() => document.querySelector('mat-sidenav-content')?.getBoundingClientRect().left ?? 0);
  const left = await until(contentLeft, (x) => x === 0);
  if (left !== 0) throw new Error(`the side menu still takes ${left} px at ${TABLET.width} px`);
  await settled(page);
}
