"""The protobuf messages Sonnet 1 writes module records in.

Sonnet 1 stores each module of a graph in the MetaGraph collection "sonnet"
as a serialized `sonnet.SonnetModule` (from its `sonnet/protos/module.proto`).
The schema is rebuilt here from a `FileDescriptorProto`, so no generated
`_pb2` file or protoc is needed. Field names and numbers are the wire format
and must stay as they are:

    message NestedData {                   // A nest of graph element names.
      message Tuple { repeated NestedData list = 1; }
      message List { repeated NestedData list = 1; }
      message Dict { map<string, NestedData> map = 1; }
      message NamedTuple { string name = 1; map<string, NestedData> map = 2; }
      message SpecialType { string name = 1; NestedData object = 2; }
      oneof one_of {
        string value = 1;                  // A tensor name; "" if none.
        List list = 2;
        Tuple tuple = 3;
        Dict dict = 4;
        NamedTuple named_tuple = 5;
        SpecialType special_type = 6;      // E.g. "SparseTensor".
      }
    }
    message SonnetModule {
      message ConnectedSubgraph {
        string name_scope = 1;
        NestedData inputs = 2;
        NestedData outputs = 3;
      }
      string module_name = 1;
      string scope_name = 2;
      string class_name = 4;
      repeated ConnectedSubgraph connected_subgraphs = 3;
    }
"""

from google.protobuf import descriptor_pb2
from google.protobuf import descriptor_pool
from google.protobuf import message_factory

_FieldProto = descriptor_pb2.FieldDescriptorProto
_NESTED = ".sonnet.NestedData"


def _field(name, number, field_type, type_name=None, repeated=False,
           oneof_index=None):
  """A `FieldDescriptorProto`; `field_type` is e.g. `TYPE_STRING`."""
  field = _FieldProto(
      name=name, number=number, type=field_type,
      label=(_FieldProto.LABEL_REPEATED
             if repeated else _FieldProto.LABEL_OPTIONAL))
  if type_name is not None:
    field.type_name = type_name
  if oneof_index is not None:
    field.oneof_index = oneof_index
  return field


def _string(name, number, **kwargs):
  return _field(name, number, _FieldProto.TYPE_STRING, **kwargs)


def _message(name, number, type_name, **kwargs):
  return _field(name, number, _FieldProto.TYPE_MESSAGE, type_name, **kwargs)


def _string_to_nested_map(name, number, owner):
  """A `map<string, NestedData>` field and the entry message it needs."""
  entry = descriptor_pb2.DescriptorProto(
      name="MapEntry", field=[_string("key", 1),
                              _message("value", 2, _NESTED)])
  entry.options.map_entry = True
  field = _message(name, number, "%s.%s.MapEntry" % (_NESTED, owner),
                   repeated=True)
  return field, entry


def _nested_data():
  """The `NestedData` message type."""
  dict_map, dict_entry = _string_to_nested_map("map", 1, "Dict")
  tuple_map, tuple_entry = _string_to_nested_map("map", 2, "NamedTuple")
  one_of = dict(oneof_index=0)
  return descriptor_pb2.DescriptorProto(
      name="NestedData", nested_type=[
          descriptor_pb2.DescriptorProto(
              name="Tuple", field=[_message("list", 1, _NESTED,
                                            repeated=True)]),
          descriptor_pb2.DescriptorProto(
              name="List", field=[_message("list", 1, _NESTED, repeated=True)]),
          descriptor_pb2.DescriptorProto(name="Dict", field=[dict_map],
                                         nested_type=[dict_entry]),
          descriptor_pb2.DescriptorProto(name="NamedTuple",
                                         field=[_string("name", 1), tuple_map],
                                         nested_type=[tuple_entry]),
          descriptor_pb2.DescriptorProto(
              name="SpecialType",
              field=[_string("name", 1),
                     _message("object", 2, _NESTED)]),
      ], field=[
          _string("value", 1, **one_of),
          _message("list", 2, _NESTED + ".List", **one_of),
          _message("tuple", 3, _NESTED + ".Tuple", **one_of),
          _message("dict", 4, _NESTED + ".Dict", **one_of),
          _message("named_tuple", 5, _NESTED + ".NamedTuple", **one_of),
          _message("special_type", 6, _NESTED + ".SpecialType", **one_of),],
      oneof_decl=[descriptor_pb2.OneofDescriptorProto(name="one_of")])


def _sonnet_module():
  """The `SonnetModule` message type."""
  return descriptor_pb2.DescriptorProto(
      name="SonnetModule", nested_type=[
          descriptor_pb2.DescriptorProto(
              name="ConnectedSubgraph", field=[
                  _string("name_scope", 1),
                  _message("inputs", 2, _NESTED),
                  _message("outputs", 3, _NESTED)])],
      field=[
          _string("module_name", 1),
          _string("scope_name", 2),
          _string("class_name", 4),
          _message("connected_subgraphs", 3,
                   ".sonnet.SonnetModule.ConnectedSubgraph", repeated=True),])


def _build_classes():
  file_proto = descriptor_pb2.FileDescriptorProto(
      name="sonnet/protos/module.proto", package="sonnet", syntax="proto3",
      message_type=[_nested_data(), _sonnet_module()])
  # A pool of our own: the default pool may already hold another file with
  # these message names (e.g. a generated module_pb2).
  pool = descriptor_pool.DescriptorPool()
  pool.Add(file_proto)
  return tuple(
      message_factory.GetMessageClass(
          pool.FindMessageTypeByName("sonnet." + name))
      for name in ("NestedData", "SonnetModule"))


NestedData, SonnetModule = _build_classes()
