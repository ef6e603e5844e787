import {describe, expect, it} from 'vitest'
import {checkModalityName, checkProfileName, checkSequence, checkShape, checkShare, readNumber} from '../../src/init/fields.js'
import {parseCohortSpec, parseModalitySpec, parsePatternSpec, splitSpec} from '../../src/init/supplied.js'
import {parseMapSpec} from '../../src/init/data.js'

describe('answer checks', () => {
  it('reads numbers the way people type them', () => {
    expect(readNumber('18,000')).toBe(18000)
    expect(readNumber('18_000')).toBe(18000)
    expect(readNumber('22%')).toBe(0.22)
    expect(readNumber('1e3')).toBe(1000)
    expect(readNumber('12abc')).toBeUndefined()
    expect(readNumber('')).toBeUndefined()
    expect(readNumber('1,00')).toBeUndefined()
  })

  it('checks shares with a message that says what to type', () => {
    expect(checkShare('0.22')).toEqual({ok: true, value: 0.22})
    expect(checkShare('22%')).toEqual({ok: true, value: 0.22})
    expect(checkShare(1 / 3)).toEqual({ok: true, value: 0.3333})
    expect(checkShare('22', 'The availability of cxr')).toEqual({ok: false, message: 'The availability of cxr is a share and must be between 0 and 1; got 22. Did you mean 22%? Write 0.22 or 22%.'})
    expect(checkShare('-0.1')).toMatchObject({ok: false})
    expect(checkShare('often')).toEqual({ok: false, message: 'A share must be a number between 0 and 1 (like 0.22) or a percentage (like 22%); got "often".'})
  })

  it('checks names against the schema patterns and suggests a fix', () => {
    expect(checkProfileName('ICU Model')).toMatchObject({ok: false, message: expect.stringContaining('(try `icu-model`)')})
    expect(checkModalityName('Chest X-ray')).toMatchObject({ok: false, message: expect.stringContaining('(try `chest_x_ray`)')})
    expect(checkModalityName('ehr', ['ehr'])).toMatchObject({ok: false, message: expect.stringContaining('already a modality called `ehr`')})
  })

  it('reads sizes as AxBxC and STEPSxCHANNELS', () => {
    expect(checkShape('224x224x1')).toEqual({ok: true, value: [224, 224, 1]})
    expect(checkShape('[224, 224]')).toEqual({ok: true, value: [224, 224]})
    expect(checkShape([3, 3])).toEqual({ok: true, value: [3, 3]})
    expect(checkShape('1x2x3x4x5')).toMatchObject({ok: false, message: expect.stringContaining('at most 4')})
    expect(checkShape('224x0')).toMatchObject({ok: false})
    expect(checkSequence('96x4')).toEqual({ok: true, value: {length: 96, channels: 4}})
    expect(checkSequence({length: 50, channels: 8})).toEqual({ok: true, value: {length: 50, channels: 8}})
    expect(checkSequence('96')).toMatchObject({ok: false, message: expect.stringContaining('steps x channels')})
  })
})

describe('flag spec syntax', () => {
  it('splits key=value items, with double quotes for commas', () => {
    expect(splitSpec('name=a,description="x, ""y""",type=text', '--modality')).toEqual([
      ['name', 'a'],
      ['description', 'x, "y"'],
      ['type', 'text'],
    ])
    expect(() => splitSpec('name=a,oops', '--modality')).toThrow('--modality "name=a,oops": `oops` is not of the form key=value.')
    expect(() => splitSpec('description="open', '--modality')).toThrow('has no closing quote')
  })

  it('parses modality, cohort, pattern and map specs', () => {
    const m = parseModalitySpec('name=cxr,type=image,shape=224x224x1,training=0.3,latency=35')
    expect(Object.keys(m.fields)).toEqual(['name', 'type', 'shape', 'trainingAvailability', 'encoderLatencyMs'])
    expect(() => parseModalitySpec('type=image')).toThrow('`name=` is required')
    expect(() => parseModalitySpec('name=a,features=3,shape=2x2')).toThrow('give the size in one of features, shape or sequence, not features and shape')
    const c = parseCohortSpec('name=icu,size=18000,modalities=ehr+cxr,cxr=0.26')
    expect(c.fields.modalities?.raw).toEqual(['ehr', 'cxr'])
    expect(c.shares.cxr.raw).toBe('0.26')
    expect(() => parseCohortSpec('name=icu,Size=3')).toThrow('unknown key `Size`')
    expect(parsePatternSpec('ehr+cxr=0.22')).toMatchObject({present: ['ehr', 'cxr'], share: {raw: '0.22'}})
    expect(parseMapSpec('ehr=age, hr,bp_*')).toMatchObject({modality: 'ehr', columns: ['age', 'hr', 'bp_*']})
    expect(() => parseMapSpec('EHR=age')).toThrow('--map "EHR=age": A modality name starts with a lower-case letter')
    expect(() => parseMapSpec('ehr=')).toThrow('no columns after `=`')
  })
})
