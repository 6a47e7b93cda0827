import { desktopEnvironment } from './desktop-environment';
import { BusCall, BusError, SessionBusConnection } from './session-bus';

/** The user's session bus with a systemd user manager whose environment a desktop session filled in. */
function fakeBus(environment: string[] | Error) {
  const calls: BusCall[] = [];
  let closed = false;
  const bus: SessionBusConnection = {
    id: 'bus-1',
    address: 'unix:path=/run/user/1000/bus',
    call: (message) => {
      calls.push(message);
      if (environment instanceof Error) return Promise.reject(environment);
      return Promise.resolve([[[{ type: 'a', child: [{ type: 's', child: [] }] }], [environment]]]);
    },
    onSignal: () => {},
    onClosed: () => {},
    close: () => (closed = true),
  };
  const addresses: string[] = [];
  const connect = (address: string) => {
    addresses.push(address);
    return Promise.resolve(bus);
  };
  return { connect, calls, addresses, closed: () => closed };
}

const SERVICE_ENV = { XDG_RUNTIME_DIR: '/run/user/1000', PATH: '/usr/bin', LANG: 'es_ES.UTF-8' };
const exists = () => true;

describe('desktopEnvironment', () => {
  it("takes the display from the user manager's environment when the receiver runs without one", async () => {
    const { connect, calls, addresses, closed } = fakeBus([
      'DISPLAY=:0',
      'XAUTHORITY=/run/user/1000/gdm/Xauthority',
      'XDG_CURRENT_DESKTOP=GNOME',
      'WAYLAND_DISPLAY=wayland-0',
      'PATH=/home/ana/bin:/usr/bin',
      'SSH_AUTH_SOCK=/run/user/1000/keyring/ssh',
      'BROKEN',
    ]);
    const env = await desktopEnvironment(SERVICE_ENV, 1000, connect, exists);
    expect(env).toEqual({
      ...SERVICE_ENV,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      DISPLAY: ':0',
      XAUTHORITY: '/run/user/1000/gdm/Xauthority',
      XDG_CURRENT_DESKTOP: 'GNOME',
      WAYLAND_DISPLAY: 'wayland-0',
    });
    expect(addresses).toEqual(['unix:path=/run/user/1000/bus']);
    expect(calls[0]).toMatchObject({
      destination: 'org.freedesktop.systemd1',
      member: 'Get',
      body: ['org.freedesktop.systemd1.Manager', 'Environment'],
    });
    expect(closed()).toBe(true);
  });

  it('keeps a display the receiver already has, without asking', async () => {
    const { connect, calls } = fakeBus(['DISPLAY=:1']);
    const env = { ...SERVICE_ENV, DISPLAY: ':0' };
    expect(await desktopEnvironment(env, 1000, connect, exists)).toBe(env);
    expect(calls).toEqual([]);
  });

  it("keeps the receiver's own environment when there is no user manager or no session bus", async () => {
    const noManager = fakeBus(new BusError('org.freedesktop.DBus.Error.ServiceUnknown', 'no systemd1'));
    expect(await desktopEnvironment(SERVICE_ENV, 1000, noManager.connect, exists)).toBe(SERVICE_ENV);
    expect(noManager.closed()).toBe(true);
    const noBus = fakeBus([]);
    expect(await desktopEnvironment(SERVICE_ENV, 1000, noBus.connect, () => false)).toBe(SERVICE_ENV);
    expect(noBus.addresses).toEqual([]);
  });
});
