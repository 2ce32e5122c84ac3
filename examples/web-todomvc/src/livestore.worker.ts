import { makeWorker } from '@cairn/adapter-web/worker'
import { schema } from './livestore/schema.js'

makeWorker({ schema })
