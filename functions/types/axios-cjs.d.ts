/**
 * axios's CommonJS build by its own path (its package exports it, without types of its own): the Notify
 * adapter uses the copy the Notify client require()s, so that one axios is loaded and bundled (see
 * functions/adapters/notify/notify-notifier.ts). It is the same object the package's main entry gives.
 */
declare module 'axios/dist/node/axios.cjs' {
  import axios from 'axios';
  export default axios;
}
