import { Component, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MessageTextComponent } from './message-text.component';

@Component({
  imports: [MessageTextComponent],
  template: `<av-message-text [text]="text" me="ana" />`,
})
class HostComponent {
  text = '';
}

async function renderText(text: string): Promise<HTMLElement> {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
  const fixture = TestBed.createComponent(HostComponent);
  fixture.componentInstance.text = text;
  fixture.changeDetectorRef.markForCheck();
  await fixture.whenStable();
  return fixture.nativeElement as HTMLElement;
}

describe('MessageTextComponent', () => {
  it('shows markup as text: no element from the message reaches the page', async () => {
    const el = await renderText('<img src=x onerror="window.__xss=1"><b>hi</b>');
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('b')).toBeNull();
    expect(el.textContent).toContain('<img src=x onerror="window.__xss=1"><b>hi</b>');
  });

  it('links only http and https addresses, in a new tab without access to this one', async () => {
    const el = await renderText('see https://a.test/x and javascript:alert(1)');
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://a.test/x']);
    expect(links[0].getAttribute('target')).toBe('_blank');
    expect(links[0].getAttribute('rel')).toContain('noopener');
  });

  it("marks mentions, the reader's own more", async () => {
    const el = await renderText('@ana and @luis');
    const mentions = [...el.querySelectorAll('.mention')];
    expect(mentions.map((m) => [m.textContent, m.classList.contains('me')])).toEqual([
      ['@ana', true],
      ['@luis', false],
    ]);
  });

  it('ends a link where markup would start, and shows the rest as text', async () => {
    const el = await renderText('https://a.test/x"><img src=x onerror=alert(1)> data:text/html,<b>x</b>');
    expect([...el.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual(['https://a.test/x']);
    expect(el.querySelector('img')).toBeNull();
    expect(el.querySelector('b')).toBeNull();
    expect(el.textContent).toContain('"><img src=x onerror=alert(1)> data:text/html,<b>x</b>');
  });
});
