import { expect } from 'chai';
import { signalingAddress } from '../../client/src/media/signaling.ts';

/** MEDIA-1 scale out: where the browser opens the signaling socket the join token's answer names. */
describe('MEDIA-1 the signaling address of a media node, as the browser resolves it', () => {
  it('a path stays on the page’s own origin (one process, or a balancer routing /media/nodes/<id>/ws)', () => {
    expect(signalingAddress('/media/ws', 'http://127.0.0.1:3000/salle/x')).to.equal('ws://127.0.0.1:3000/media/ws');
    expect(signalingAddress('/media/nodes/media-2/ws', 'https://consulto.example/salle/x')).to.equal('wss://consulto.example/media/nodes/media-2/ws');
  });

  it('a ws(s) URL is used as it is; an http(s) origin gets its own signaling path (tests, older callers)', () => {
    expect(signalingAddress('wss://media-3.consulto.example/media/ws', 'https://consulto.example/')).to.equal('wss://media-3.consulto.example/media/ws');
    expect(signalingAddress('http://localhost:4000', 'http://localhost:4000/salle/x')).to.equal('ws://localhost:4000/media/ws');
  });
});
